package dev.natter.chat.spi.cluster;

import dev.natter.chat.Presence;
import java.util.Objects;

/**
 * A change of a room's members, as the cluster decided it: a user's first session joined, or their last
 * one left. Each change of a room has the next {@code version} of that room's membership (starting at
 * 1), so a node applies them in order and finds the ones it missed.
 *
 * @param presence the change
 * @param version the room's membership version after the change
 */
public record PresenceChange(Presence presence, long version) {
  /** Validates the components. */
  public PresenceChange {
    Objects.requireNonNull(presence, "presence");
    if (version < 1) {
      throw new IllegalArgumentException("version must be positive: " + version);
    }
  }
}
