package dev.natter.chat.internal.engine;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.spi.cluster.PresenceChange;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A room on this node: its local sessions, its replica of the cluster's members and its message order.
 * Everything that must be seen in order (storing a message, fanning it out, a join's snapshot, presence)
 * happens under {@link #lock}; different rooms never share a lock. Following the room on the cluster's
 * bus is serialized by {@link #followLock}, which may block and is never taken under {@link #lock}.
 */
final class Room {
  final String name;
  final ReentrantLock lock = new ReentrantLock();
  final ReentrantLock followLock = new ReentrantLock();

  /**
   * Whether this node follows the room on the bus. Written under {@link #followLock}; volatile for the
   * catch-up, which only reads it.
   */
  volatile boolean followed;
  /** Joins between their follow and their local add. Guarded by {@link #followLock}. */
  int joinsUnderWay;

  /** Local session -> the membership version its join answer reflected. Guarded by {@link #lock}. */
  private final Map<Session, Long> local = new LinkedHashMap<>();

  /** The cluster's members of this room as applied here. Guarded by {@link #lock}. */
  final PresenceReplica replica;
  /** A resync of the {@link #replica} is armed or running. Guarded by {@link #lock}. */
  boolean resyncArmed;

  /**
   * Appends handed to the store and not yet offered to the {@link #sequencer}, in the order they were
   * handed over (which is the order the store numbers them in). Guarded by {@link #lock}.
   */
  final Deque<PendingAppend> pending = new ArrayDeque<>();

  /**
   * The highest {@code seq} delivered live (or stored before this room was opened). Messages above it
   * may be stored but are still on their way; a join's snapshot stops here. Only the {@link #sequencer}
   * moves it. Guarded by {@link #lock}.
   */
  long deliveredSeq;

  /** Delivers the room's stored messages in {@code seq} order, each once. */
  final RoomSequencer sequencer;

  /**
   * Every local session, flat, for the fan-out; rebuilt on the first fan-out after the sessions changed.
   * Walking a map made an iterator per message. Guarded by {@link #lock}.
   */
  private Session[] sessions;

  /**
   * @param storedSeq the room's latest stored {@code seq}: those up to it are not delivered live
   * @param sequencer makes the room's sequencer; it may keep the room but not use it yet
   */
  Room(String name, long storedSeq, Function<Room, RoomSequencer> sequencer) {
    this.name = name;
    this.deliveredSeq = storedSeq;
    this.replica = new PresenceReplica(name);
    this.sequencer = sequencer.apply(this);
  }

  /** An append on its way to the store, and the future completed once it was delivered. */
  static final class PendingAppend {
    /** The id of the message handed over: the store may answer with another (a repeated cid's first). */
    final String mid;
    final CompletableFuture<ChatMessage> stored;
    final CompletableFuture<ChatMessage> delivered = new CompletableFuture<>();

    PendingAppend(String mid, CompletableFuture<ChatMessage> stored) {
      this.mid = mid;
      this.stored = stored;
    }
  }

  /**
   * Adds a local session that has seen the members up to {@code seenVersion}: it gets only later
   * presence. Call under the lock.
   */
  void addLocal(Session session, long seenVersion) {
    local.put(session, seenVersion);
    sessions = null;
  }

  /** Removes a local session; returns whether it was here. Call under the lock. */
  boolean removeLocal(Session session) {
    if (local.remove(session) == null) {
      return false;
    }
    sessions = null;
    return true;
  }

  /**
   * Removes the local sessions of a user that joined before {@code version} (a later one rejoined after
   * the change). Call under the lock.
   */
  List<Session> removeLocalBefore(String userId, long version) {
    List<Session> removed = new ArrayList<>();
    local.entrySet().removeIf(entry -> {
      boolean gone = entry.getKey().user.id().equals(userId) && entry.getValue() < version;
      if (gone) {
        removed.add(entry.getKey());
      }
      return gone;
    });
    if (!removed.isEmpty()) {
      sessions = null;
    }
    return removed;
  }

  /** Whether any session of this node is in the room. Call under the lock. */
  boolean hasLocalSessions() {
    return !local.isEmpty();
  }

  /**
   * The attached connections of the local sessions that should see a presence change: those that joined
   * before it, but the user's own. Call under the lock.
   */
  void forEachPresenceRecipient(PresenceChange change, Consumer<Connection> action) {
    String userId = change.presence().user().id();
    local.forEach((session, seen) -> {
      Connection connection = session.connection;
      if (connection != null && seen < change.version() && !session.user.id().equals(userId)) {
        action.accept(connection);
      }
    });
  }

  /** The attached connections of every local session. Call under the lock. */
  void forEachConnection(Consumer<Connection> action) {
    Session[] all = sessions;
    if (all == null) {
      all = local.keySet().toArray(Session[]::new);
      sessions = all;
    }
    for (Session session : all) {
      Connection connection = session.connection;
      if (connection != null) {
        action.accept(connection);
      }
    }
  }
}
