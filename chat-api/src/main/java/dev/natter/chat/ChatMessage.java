package dev.natter.chat;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored chat message, as every member of its room receives it.
 *
 * @param room the room, {@code dm:a:b} for a direct message
 * @param seq the message's position in the room's log: 1 for the first, then exactly 1 more each
 * @param mid the server-assigned unique message id (a ULID: sortable, unguessable)
 * @param from the sender
 * @param to the recipient of a direct message, {@code null} for a room message
 * @param text the text exactly as sent
 * @param ts the server's time when it stored the message, millisecond precision
 * @param cid the sender's idempotency key, or {@code null}
 */
public record ChatMessage(
    String room, long seq, String mid, User from, User to, String text, Instant ts, String cid) {

  /** Validates the components. */
  public ChatMessage {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(mid, "mid");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(ts, "ts");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be at least 1: " + seq);
    }
    if (to == null ? !Rooms.isValidName(room) : Rooms.directUsers(room) == null) {
      throw new IllegalArgumentException(
          (to == null ? "not a valid room name: " : "not a direct room: ") + room);
    }
  }

  /** Whether this is a direct message. */
  public boolean isDirect() {
    return to != null;
  }

  /** The position right after this message, to rejoin from ({@link ChatClient#join(String, Cursor)}). */
  public Cursor cursor(String epoch) {
    return new Cursor(seq, epoch);
  }
}
