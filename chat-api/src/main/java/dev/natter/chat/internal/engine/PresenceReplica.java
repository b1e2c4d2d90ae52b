package dev.natter.chat.internal.engine;

import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.spi.cluster.MembershipDirectory;
import dev.natter.chat.spi.cluster.PresenceChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * This node's copy of a room's members, kept in step with the cluster's {@link MembershipDirectory}
 * by applying its {@link PresenceChange}s in version order, whatever order they arrive in: the node's own
 * changes come back from its directory calls, the others' from the bus. The same rule as the
 * {@link RoomSequencer}'s for messages: a version applied already is dropped, the next one is applied
 * with any held successors, a later one is held until a resync from a snapshot fills the hole.
 *
 * <p>Exists from the moment the node follows the room; until its first session's join answer
 * {@linkplain #init initializes} it, it only holds. Not thread-safe: used under the room's lock.
 */
final class PresenceReplica {
  private final String room;
  /** userId -> user, sorted by id. */
  private final Map<String, User> members = new TreeMap<>();
  private final TreeMap<Long, PresenceChange> held = new TreeMap<>();
  /** The version applied; -1 until initialized. */
  private long applied = -1;

  PresenceReplica(String room) {
    this.room = room;
  }

  boolean initialized() {
    return applied >= 0;
  }

  long applied() {
    return applied;
  }

  /** The members as applied so far, sorted by id. */
  List<User> members() {
    return List.copyOf(members.values());
  }

  boolean isMember(String userId) {
    return members.containsKey(userId);
  }

  /** Whether changes wait for a hole to close; a resync from a snapshot closes it. */
  boolean hasHeld() {
    return !held.isEmpty();
  }

  /**
   * Starts from a join answer's members and version, when not initialized yet; then applies what was
   * held beyond it.
   *
   * @return the held changes now applied, in order, to deliver
   */
  List<PresenceChange> init(List<User> snapshot, long version) {
    if (initialized()) {
      return List.of();
    }
    members.clear();
    snapshot.forEach(user -> members.put(user.id(), user));
    applied = version;
    return drain();
  }

  /**
   * Offers a change: applied now (with any held successors), held, or dropped as applied already.
   *
   * @return the changes applied now, in version order, to deliver
   */
  List<PresenceChange> offer(PresenceChange change) {
    if (initialized() && change.version() <= applied) {
      return List.of();
    }
    held.putIfAbsent(change.version(), change);
    return initialized() ? drain() : List.of();
  }

  /**
   * Moves to a snapshot newer than what was applied: the differences become changes at the
   * snapshot's version (a member gone is taken to have lost their connection), then held successors
   * follow. A snapshot not newer changes nothing.
   *
   * @return the changes to deliver, in order
   */
  List<PresenceChange> resync(MembershipDirectory.Snapshot snapshot) {
    if (!initialized() || snapshot.version() <= applied) {
      return List.of();
    }
    List<PresenceChange> changes = new ArrayList<>();
    Map<String, User> next = new TreeMap<>();
    snapshot.members().forEach(user -> next.put(user.id(), user));
    for (User gone : members.values()) {
      if (!next.containsKey(gone.id())) {
        changes.add(new PresenceChange(
            Presence.leave(room, gone, Presence.Reason.DISCONNECT), snapshot.version()));
      }
    }
    for (User arrived : next.values()) {
      if (!members.containsKey(arrived.id())) {
        changes.add(new PresenceChange(Presence.join(room, arrived), snapshot.version()));
      }
    }
    members.clear();
    members.putAll(next);
    applied = snapshot.version();
    changes.addAll(drain());
    return changes;
  }

  /** Forgets everything: the node stopped following the room. */
  void reset() {
    members.clear();
    held.clear();
    applied = -1;
  }

  // Applies the held changes that are next, dropping those applied already.
  private List<PresenceChange> drain() {
    List<PresenceChange> applied = new ArrayList<>();
    while (!held.isEmpty()) {
      Map.Entry<Long, PresenceChange> first = held.firstEntry();
      if (first.getKey() <= this.applied) {
        held.pollFirstEntry();
      } else if (first.getKey() == this.applied + 1) {
        held.pollFirstEntry();
        apply(first.getValue());
        applied.add(first.getValue());
      } else {
        break;
      }
    }
    return applied;
  }

  private void apply(PresenceChange change) {
    User user = change.presence().user();
    if (change.presence().event() == Presence.Event.JOIN) {
      members.put(user.id(), user);
    } else {
      members.remove(user.id());
    }
    applied = change.version();
  }
}
