package dev.natter.chat.internal.engine;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.User;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A room's membership and its order. Everything that must be seen in {@code seq} order (storing a
 * message, fanning it out, a join's snapshot, presence) happens under {@link #lock}; different rooms
 * never share a lock.
 */
final class Room {
  final String name;
  final ReentrantLock lock = new ReentrantLock();

  /** userId -> the user's sessions in this room. Guarded by {@link #lock}. */
  private final Map<String, Member> members = new LinkedHashMap<>();

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

  private volatile int memberCount;

  /**
   * Every member session, flat, for the fan-out; rebuilt on the first fan-out after the membership
   * changed. Walking the members' session sets made an iterator per member per message. Guarded by
   * {@link #lock}.
   */
  private Session[] sessions;

  /**
   * @param storedSeq the room's latest stored {@code seq}: those up to it are not delivered live
   * @param sequencer makes the room's sequencer; it may keep the room but not use it yet
   */
  Room(String name, long storedSeq, Function<Room, RoomSequencer> sequencer) {
    this.name = name;
    this.deliveredSeq = storedSeq;
    this.sequencer = sequencer.apply(this);
  }

  /** An append on its way to the store, and the future completed once it was delivered. */
  static final class PendingAppend {
    final CompletableFuture<ChatMessage> stored;
    final CompletableFuture<ChatMessage> delivered = new CompletableFuture<>();

    PendingAppend(CompletableFuture<ChatMessage> stored) {
      this.stored = stored;
    }
  }

  /** Adds a session; returns true when its user was not a member before. Call under the lock. */
  boolean add(Session session) {
    Member member = members.computeIfAbsent(session.user.id(), id -> new Member(session.user));
    boolean first = member.sessions.isEmpty();
    member.sessions.add(session);
    memberCount = members.size();
    sessions = null;
    return first;
  }

  /** Removes a session; returns true when its user is no longer a member. Call under the lock. */
  boolean remove(Session session) {
    Member member = members.get(session.user.id());
    if (member == null || !member.sessions.remove(session)) {
      return false;
    }
    sessions = null;
    if (member.sessions.isEmpty()) {
      members.remove(session.user.id());
      memberCount = members.size();
      return true;
    }
    return false;
  }

  /** The sessions of one user in this room, a copy; empty when not a member. Call under the lock. */
  List<Session> sessionsOf(String userId) {
    Member member = members.get(userId);
    return member == null ? List.of() : List.copyOf(member.sessions);
  }

  /** The members, sorted by id. Call under the lock. */
  List<User> members() {
    List<User> users = new ArrayList<>(members.size());
    for (Member member : members.values()) {
      users.add(member.user);
    }
    users.sort(Comparator.comparing(User::id));
    return users;
  }

  /**
   * The attached connections of every session in the room, but those of {@code exceptUserId}. Call
   * under the lock.
   */
  void forEachConnection(String exceptUserId, Consumer<Connection> action) {
    Session[] all = sessions;
    if (all == null) {
      all = members.values().stream().flatMap(member -> member.sessions.stream()).toArray(Session[]::new);
      sessions = all;
    }
    for (Session session : all) {
      Connection connection = session.connection;
      if (connection != null && (exceptUserId == null || !session.user.id().equals(exceptUserId))) {
        action.accept(connection);
      }
    }
  }

  /** How many users are members; readable without the lock. */
  int memberCount() {
    return memberCount;
  }

  private static final class Member {
    final User user;
    final Set<Session> sessions = new HashSet<>(2);

    Member(User user) {
      this.user = user;
    }
  }
}
