package dev.natter.chat.cluster.redis.internal;

import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.spi.cluster.PresenceChange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What this node registered in Redis, as its scripts returned it: the sessions it opened or resumed
 * (id, user, token, attached or not, their rooms), and the highest membership version it saw in each
 * room it follows. After Redis lost its data the node puts them back from here (restore.lua); after it
 * was declared dead while alive it checks them against Redis. Not an API.
 *
 * <p>The engine holds its sessions only as ids and tokens, so this copy is the module's job. It follows
 * the directory calls of this node and what the bus tells it: a session ends when this node ends it (or
 * disconnects its user), or when another node takes it over or disconnects its user; a session leaves a
 * room when this node takes it out, or when a leave of its user in that room comes at a version after
 * the session joined (a kick, or the user's last session leaving elsewhere: the same rule as the
 * engine's). The version seen in a room bounds the version of this node's replica of it, which only
 * ever learns versions through this module.
 *
 * <p>Thread-safe: one monitor, held for map operations only.
 */
final class Holdings {
  /** A session this node holds, with each of its rooms and the version the room had when it joined. */
  record Held(String id, String token, User user, boolean attached, Map<String, Long> rooms) {
    Held {
      rooms = Map.copyOf(rooms);
    }
  }

  /** A copy of everything, for restore.lua: sessions in the order this node opened them. */
  record Snapshot(List<Held> sessions, Map<String, Long> versions) {}

  private static final class Session {
    final String id;
    final User user;
    String token;
    boolean attached = true;
    final Map<String, Long> rooms = new LinkedHashMap<>();

    Session(String id, User user, String token) {
      this.id = id;
      this.user = user;
      this.token = token;
    }
  }

  private final Map<String, Session> byId = new LinkedHashMap<>();
  private final Map<String, Set<String>> byUser = new HashMap<>();
  /** Followed room → the highest membership version seen there. */
  private final Map<String, Long> versions = new HashMap<>();

  /** A session opened, or resumed here (from this node or another), in {@code rooms} at these versions. */
  synchronized void opened(String sessionId, String token, User user, Map<String, Long> rooms) {
    Session session = byId.get(sessionId);
    if (session == null) {
      session = new Session(sessionId, user, token);
      byId.put(sessionId, session);
      byUser.computeIfAbsent(user.id(), id -> new LinkedHashSet<>()).add(sessionId);
    }
    session.token = token;
    session.attached = true;
    session.rooms.clear();
    session.rooms.putAll(rooms);
    rooms.forEach(this::seen);
  }

  /** The connection of a session is gone: it is detached from now on, whatever Redis answers. */
  synchronized void detaching(String sessionId, String token) {
    Session session = byId.get(sessionId);
    if (session != null && session.token.equals(token)) {
      session.attached = false;
    }
  }

  /**
   * A session is being ended with its current token: forgotten now, whatever Redis answers (ended, or
   * already gone). A call that fails leaves it to the reaper, not to a restore.
   */
  synchronized void ending(String sessionId, String token) {
    Session session = byId.get(sessionId);
    if (session != null && session.token.equals(token)) {
      remove(session);
    }
  }

  /** Every session of a user here ended (disconnected, by this node or another). */
  synchronized void userEnded(String userId) {
    Set<String> ids = byUser.get(userId);
    if (ids != null) {
      List.copyOf(ids).forEach(id -> remove(byId.get(id)));
    }
  }

  /** Sessions that are no longer this node's (taken over elsewhere, or ended while it was away). */
  synchronized void forget(Collection<String> sessionIds) {
    for (String id : sessionIds) {
      Session session = byId.get(id);
      if (session != null) {
        remove(session);
      }
    }
  }

  /** A session joined a room; {@code version} is the room's after the join. */
  synchronized void joined(String room, String sessionId, long version) {
    seen(room, version);
    Session session = byId.get(sessionId);
    if (session != null) {
      session.rooms.putIfAbsent(room, version);
    }
  }

  /** A session left a room (this node took it out). */
  synchronized void left(String room, String sessionId) {
    Session session = byId.get(sessionId);
    if (session != null) {
      session.rooms.remove(room);
    }
  }

  /**
   * A change of a room's members, this node's or another's: its version is seen, and a leave takes the
   * room from the user's sessions here that joined it before that version.
   */
  synchronized void change(PresenceChange change) {
    String room = change.presence().room();
    seen(room, change.version());
    if (change.presence().event() != Presence.Event.LEAVE) {
      return;
    }
    Set<String> ids = byUser.get(change.presence().user().id());
    if (ids == null) {
      return;
    }
    for (String id : ids) {
      Session session = byId.get(id);
      Long joinedAt = session.rooms.get(room);
      if (joinedAt != null && joinedAt < change.version()) {
        session.rooms.remove(room);
      }
    }
  }

  /** A version of a room read from Redis (a snapshot of its members). */
  synchronized void seen(String room, long version) {
    versions.computeIfPresent(room, (r, known) -> Math.max(known, version));
  }

  /** This node follows a room from now on: its versions count. */
  synchronized void follow(String room) {
    versions.putIfAbsent(room, 0L);
  }

  /** This node no longer follows a room: its replica there is gone. */
  synchronized void unfollow(String room) {
    versions.remove(room);
  }

  synchronized Snapshot snapshot() {
    List<Held> sessions = new ArrayList<>(byId.size());
    for (Session session : byId.values()) {
      sessions.add(new Held(session.id, session.token, session.user, session.attached, session.rooms));
    }
    return new Snapshot(sessions, Map.copyOf(versions));
  }

  /** How many sessions this node holds. */
  synchronized int size() {
    return byId.size();
  }

  private void remove(Session session) {
    byId.remove(session.id);
    Set<String> ids = byUser.get(session.user.id());
    if (ids != null) {
      ids.remove(session.id);
      if (ids.isEmpty()) {
        byUser.remove(session.user.id());
      }
    }
  }
}
