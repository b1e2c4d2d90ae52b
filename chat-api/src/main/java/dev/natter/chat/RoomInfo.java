package dev.natter.chat;

import java.util.Objects;

/**
 * A room as listed by {@code rooms}.
 *
 * @param room the room's name
 * @param members how many users are members now
 */
public record RoomInfo(String room, int members) {

  /** Validates the components. */
  public RoomInfo {
    Objects.requireNonNull(room, "room");
    if (members < 0) {
      throw new IllegalArgumentException("members must not be negative");
    }
  }
}
