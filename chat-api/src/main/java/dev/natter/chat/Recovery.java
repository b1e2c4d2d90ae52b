package dev.natter.chat;

import java.util.Objects;

/**
 * The outcome of rejoining a room with a cursor.
 *
 * <p>When {@code recovered} is false, the client may have missed messages: the epoch changed, the server
 * no longer holds them, or the cursor was ahead of the room. The app should reload the room rather than
 * believe it saw everything.
 *
 * @param room the room
 * @param since the cursor the client rejoined with
 * @param latest the room's latest position
 * @param recovered whether everything after {@code since} is still held
 */
public record Recovery(String room, Cursor since, Cursor latest, boolean recovered) {

  /** Validates the components. */
  public Recovery {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(latest, "latest");
  }
}
