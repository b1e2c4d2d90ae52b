package dev.natter.chat.spi.cluster;

import dev.natter.chat.User;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The members of every room, cluster-wide, and the mutes. A user is a member while at least one of
 * their sessions is in the room; each change of a room's members gets the room's next version, returned
 * to the caller (who applies it on its node) and published to the room's followers on other nodes.
 */
public interface MembershipDirectory {

  /**
   * Puts a session in a room; idempotent per session.
   *
   * @return the members and version after the join, and the change when this was the user's first
   *     session in the room
   * @throws dev.natter.chat.ChatException {@code internal} when the directory cannot be reached
   */
  Joined join(String room, String sessionId, User user);

  /**
   * Takes a session out of a room; idempotent per session.
   *
   * @return the change when this was the user's last session in the room, otherwise {@code null}
   */
  PresenceChange leave(String room, String sessionId, dev.natter.chat.Presence.Reason reason);

  /**
   * Takes every session of a user out of a room, with reason {@code kicked}.
   *
   * @return the change, or {@code null} when the user was not a member
   */
  PresenceChange kick(String room, String userId);

  /** A room's members, sorted by id, with the version they are at; empty at version 0 for an unknown room. */
  Snapshot members(String room);

  /** The number of members of every room that has any, direct rooms excepted. */
  Map<String, Integer> memberCounts();

  /** Mutes or unmutes a user in a room: a muted user may not send there. Survives their sessions. */
  void mute(String room, String userId, boolean muted);

  /** Whether a user is muted in a room. */
  boolean isMuted(String room, String userId);

  /**
   * A room's members at a version.
   *
   * @param members sorted by id
   * @param version the room's membership version; 0 for a room that never had members
   */
  record Snapshot(List<User> members, long version) {
    /** Validates and copies the components. */
    public Snapshot {
      members = List.copyOf(members);
      if (version < 0) {
        throw new IllegalArgumentException("version must not be negative");
      }
    }
  }

  /**
   * The outcome of a join.
   *
   * @param members the room's members after the join, sorted by id
   * @param version the room's membership version after the join
   * @param change the user's join when it was their first session in the room, otherwise {@code null}
   */
  record Joined(List<User> members, long version, PresenceChange change) {
    /** Validates and copies the components. */
    public Joined {
      members = List.copyOf(members);
      Objects.requireNonNull(members, "members");
    }
  }
}
