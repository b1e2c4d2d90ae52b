package dev.natter.chat;

import java.util.Objects;

/**
 * A position in a room's log: the last {@code seq} a client has seen, in the log named {@code epoch}.
 * Rejoining with it ({@link ChatClient#join(String, Cursor)}) recovers what came after.
 *
 * @param seq the last sequence number seen, 0 when none
 * @param epoch the name of the room's log; it changes only when that log was lost
 */
public record Cursor(long seq, String epoch) {

  /** Validates the components. */
  public Cursor {
    Objects.requireNonNull(epoch, "epoch");
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative: " + seq);
    }
    if (epoch.isBlank()) {
      throw new IllegalArgumentException("epoch must not be blank");
    }
  }
}
