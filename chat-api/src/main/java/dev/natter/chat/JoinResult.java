package dev.natter.chat;

import java.util.List;
import java.util.Objects;

/**
 * The server's answer to a join.
 *
 * @param room the room
 * @param epoch the name of the room's log
 * @param seq the room's latest sequence number (0 for an empty room)
 * @param members the room's members, this user included
 * @param messages without a cursor, the latest messages; with one, the first messages after it (when
 *     {@code recovered}) or the latest page (when not); oldest first
 * @param more whether older (without a cursor, or not recovered) or newer (recovered) messages remain
 * @param recovered true only when joined with a cursor and everything after it is still held, so the
 *     client missed nothing; false otherwise
 */
public record JoinResult(
    String room,
    String epoch,
    long seq,
    List<User> members,
    List<ChatMessage> messages,
    boolean more,
    boolean recovered) {

  /** Validates the components and copies the lists. */
  public JoinResult {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(epoch, "epoch");
    members = List.copyOf(members);
    messages = List.copyOf(messages);
  }

  /** The cursor of the room's latest message. */
  public Cursor cursor() {
    return new Cursor(seq, epoch);
  }
}
