package dev.natter.chat;

import java.util.Objects;

/**
 * The outcome of rejoining a room with a cursor.
 *
 * <p>When {@code recovered} is false, the client may have missed messages: the epoch changed, the server
 * no longer holds them, the cursor was ahead of the room, or the rejoin was refused. The app should
 * reload the room rather than believe it saw everything.
 *
 * @param room the room
 * @param since the cursor the client rejoined with. After a reconnect its epoch is
 *     {@code "unknown"} when the client had not learned the room's epoch before the connection was lost
 *     (a direct conversation whose first message had just arrived)
 * @param latest the room's latest position; after a refused rejoin, {@code since}
 * @param recovered whether everything after {@code since} is still held (and, after a reconnect, was
 *     delivered)
 */
public record Recovery(String room, Cursor since, Cursor latest, boolean recovered) {

  /** Validates the components. */
  public Recovery {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(latest, "latest");
  }
}
