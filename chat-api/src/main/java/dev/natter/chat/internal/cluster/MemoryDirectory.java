package dev.natter.chat.internal.cluster;

import dev.natter.chat.ChatStatus;
import dev.natter.chat.Presence;
import dev.natter.chat.Rooms;
import dev.natter.chat.User;
import dev.natter.chat.spi.cluster.MembershipDirectory;
import dev.natter.chat.spi.cluster.PresenceChange;
import dev.natter.chat.spi.cluster.SessionDirectory;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sessions, memberships and mutes in this process's memory, for one node or for several nodes of one
 * JVM, every decision under one lock. A node calls it through {@link #sessions(String)} and
 * {@link #memberships(String)}; what other nodes must hear goes to the {@link Notices}.
 */
public final class MemoryDirectory {
  private final Object lock = new Object();
  private final SecureRandom random = new SecureRandom();
  private final Notices notices;
  private long nextSession;

  // All guarded by lock.
  private final Map<String, SessionEntry> sessions = new HashMap<>();
  private final Map<String, SessionEntry> byToken = new HashMap<>();
  private final Map<String, Set<SessionEntry>> byUser = new HashMap<>();
  private final Map<String, User> known = new HashMap<>();
  private final Map<String, RoomEntry> rooms = new HashMap<>();
  private final Set<String> mutes = new HashSet<>();

  /** What the nodes other than the caller must hear. */
  public interface Notices {
    /** A change made by {@code origin}, for the room's followers on the other nodes. */
    void presence(PresenceChange change, String origin);

    /** A session held by {@code owner} was resumed on another node. */
    void takenOver(String sessionId, String owner);

    /** Every session of a user was ended by {@code origin}. */
    void disconnected(String userId, String origin);

    /** Nothing to tell: a directory of one node. */
    Notices NONE = new Notices() {
      @Override
      public void presence(PresenceChange change, String origin) {}

      @Override
      public void takenOver(String sessionId, String owner) {}

      @Override
      public void disconnected(String userId, String origin) {}
    };
  }

  /** A directory with nothing in it, telling other nodes through {@code notices}. */
  public MemoryDirectory(Notices notices) {
    this.notices = notices;
  }

  /** The session directory as node {@code nodeId} sees it. */
  public SessionDirectory sessions(String nodeId) {
    return new NodeSessions(nodeId);
  }

  /** The membership directory as node {@code nodeId} sees it. */
  public MembershipDirectory memberships(String nodeId) {
    return new NodeMemberships(nodeId);
  }

  /** Ends every session {@code nodeId} holds, as a reaper does for a node that died; for tests. */
  public SessionDirectory.Ended endSessionsOf(String nodeId, Presence.Reason reason) {
    List<PresenceChange> changes = new ArrayList<>();
    int ended = 0;
    synchronized (lock) {
      for (SessionEntry session : List.copyOf(sessions.values())) {
        if (session.owner.equals(nodeId)) {
          ended++;
          changes.addAll(endLocked(session, reason));
        }
      }
    }
    changes.forEach(change -> notices.presence(change, nodeId));
    return new SessionDirectory.Ended(ended, changes);
  }

  private String token() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  // ---- under the lock ----

  private List<PresenceChange> endLocked(SessionEntry session, Presence.Reason reason) {
    sessions.remove(session.id);
    byToken.remove(session.token);
    Set<SessionEntry> held = byUser.get(session.user.id());
    if (held != null) {
      held.remove(session);
      if (held.isEmpty()) {
        byUser.remove(session.user.id());
      }
    }
    List<PresenceChange> changes = new ArrayList<>();
    for (String room : List.copyOf(session.rooms)) {
      PresenceChange change = leaveLocked(room, session, reason);
      if (change != null) {
        changes.add(change);
      }
    }
    return changes;
  }

  private PresenceChange leaveLocked(String roomName, SessionEntry session, Presence.Reason reason) {
    session.rooms.remove(roomName);
    RoomEntry room = rooms.get(roomName);
    if (room == null) {
      return null;
    }
    Set<String> held = room.sessions.get(session.user.id());
    if (held == null || !held.remove(session.id) || !held.isEmpty()) {
      return null;
    }
    room.sessions.remove(session.user.id());
    room.members.remove(session.user.id());
    return new PresenceChange(Presence.leave(roomName, session.user, reason), ++room.version);
  }

  private final class NodeSessions implements SessionDirectory {
    private final String node;

    NodeSessions(String node) {
      this.node = node;
    }

    @Override
    public Opened open(User user, boolean exclusive, String resumeToken) {
      String previousOwner = null;
      Opened opened;
      synchronized (lock) {
        known.put(user.id(), user);
        SessionEntry resumable = resumeToken == null ? null : byToken.get(resumeToken);
        if (resumable != null && resumable.user.id().equals(user.id())) {
          byToken.remove(resumable.token);
          resumable.token = token();
          byToken.put(resumable.token, resumable);
          if (!resumable.owner.equals(node)) {
            previousOwner = resumable.owner;
          }
          resumable.owner = node;
          resumable.attached = true;
          opened = new Opened(resumable.id, resumable.token, true, resumable.rooms);
        } else {
          Set<SessionEntry> held = byUser.get(user.id());
          if (exclusive && held != null && !held.isEmpty()) {
            throw ChatStatus.of(ChatStatus.Code.NAME_TAKEN, "the name " + user.name() + " is taken")
                .asException();
          }
          SessionEntry session = new SessionEntry(Long.toString(++nextSession), user, node, token());
          sessions.put(session.id, session);
          byToken.put(session.token, session);
          byUser.computeIfAbsent(user.id(), id -> new LinkedHashSet<>()).add(session);
          opened = new Opened(session.id, session.token, false, Set.of());
        }
      }
      if (previousOwner != null) {
        notices.takenOver(opened.sessionId(), previousOwner);
      }
      return opened;
    }

    @Override
    public boolean detach(String sessionId, String token) {
      synchronized (lock) {
        SessionEntry session = sessions.get(sessionId);
        if (session == null || !session.token.equals(token)) {
          return false;
        }
        session.attached = false;
        return true;
      }
    }

    @Override
    public Ended end(String sessionId, String token, Presence.Reason reason) {
      List<PresenceChange> changes;
      synchronized (lock) {
        SessionEntry session = sessions.get(sessionId);
        if (session == null || !session.token.equals(token)) {
          return Ended.NOTHING;
        }
        changes = endLocked(session, reason);
      }
      changes.forEach(change -> notices.presence(change, node));
      return new Ended(1, changes);
    }

    @Override
    public Ended disconnect(String userId) {
      List<PresenceChange> changes = new ArrayList<>();
      int ended = 0;
      synchronized (lock) {
        for (SessionEntry session : List.copyOf(byUser.getOrDefault(userId, Set.of()))) {
          ended++;
          changes.addAll(endLocked(session, Presence.Reason.KICKED));
        }
      }
      changes.forEach(change -> notices.presence(change, node));
      if (ended > 0) {
        notices.disconnected(userId, node);
      }
      return new Ended(ended, changes);
    }

    @Override
    public Optional<User> knownUser(String userId) {
      synchronized (lock) {
        return Optional.ofNullable(known.get(userId));
      }
    }

    @Override
    public List<User> onlineUsers() {
      List<User> online = new ArrayList<>();
      synchronized (lock) {
        byUser.forEach((id, held) -> {
          if (held.stream().anyMatch(session -> session.attached)) {
            online.add(held.iterator().next().user);
          }
        });
      }
      online.sort(Comparator.comparing(User::id));
      return online;
    }
  }

  private final class NodeMemberships implements MembershipDirectory {
    private final String node;

    NodeMemberships(String node) {
      this.node = node;
    }

    @Override
    public Joined join(String roomName, String sessionId, User user) {
      Joined joined;
      synchronized (lock) {
        SessionEntry session = sessions.get(sessionId);
        if (session == null) {
          throw ChatStatus.of(ChatStatus.Code.INTERNAL, "the session has ended").asException();
        }
        RoomEntry room = rooms.computeIfAbsent(roomName, name -> new RoomEntry());
        session.rooms.add(roomName);
        Set<String> held = room.sessions.computeIfAbsent(user.id(), id -> new HashSet<>());
        PresenceChange change = null;
        if (held.add(sessionId) && held.size() == 1) {
          room.members.put(user.id(), user);
          change = new PresenceChange(Presence.join(roomName, user), ++room.version);
        }
        joined = new Joined(room.sortedMembers(), room.version, change);
      }
      if (joined.change() != null) {
        notices.presence(joined.change(), node);
      }
      return joined;
    }

    @Override
    public PresenceChange leave(String room, String sessionId, Presence.Reason reason) {
      PresenceChange change;
      synchronized (lock) {
        SessionEntry session = sessions.get(sessionId);
        if (session == null) {
          return null;
        }
        change = leaveLocked(room, session, reason);
      }
      if (change != null) {
        notices.presence(change, node);
      }
      return change;
    }

    @Override
    public PresenceChange kick(String roomName, String userId) {
      PresenceChange change;
      synchronized (lock) {
        RoomEntry room = rooms.get(roomName);
        Set<String> held = room == null ? null : room.sessions.remove(userId);
        if (held == null) {
          return null;
        }
        for (String sessionId : held) {
          SessionEntry session = sessions.get(sessionId);
          if (session != null) {
            session.rooms.remove(roomName);
          }
        }
        User user = room.members.remove(userId);
        change = new PresenceChange(Presence.leave(roomName, user, Presence.Reason.KICKED), ++room.version);
      }
      notices.presence(change, node);
      return change;
    }

    @Override
    public Snapshot members(String roomName) {
      synchronized (lock) {
        RoomEntry room = rooms.get(roomName);
        return room == null ? new Snapshot(List.of(), 0) : new Snapshot(room.sortedMembers(), room.version);
      }
    }

    @Override
    public Map<String, Integer> memberCounts() {
      Map<String, Integer> counts = new TreeMap<>();
      synchronized (lock) {
        rooms.forEach((name, room) -> {
          if (!room.members.isEmpty() && !Rooms.isDirect(name)) {
            counts.put(name, room.members.size());
          }
        });
      }
      return counts;
    }

    @Override
    public void mute(String room, String userId, boolean muted) {
      synchronized (lock) {
        if (muted) {
          mutes.add(room + '\n' + userId);
        } else {
          mutes.remove(room + '\n' + userId);
        }
      }
    }

    @Override
    public boolean isMuted(String room, String userId) {
      synchronized (lock) {
        return mutes.contains(room + '\n' + userId);
      }
    }
  }

  private static final class SessionEntry {
    final String id;
    final User user;
    final Set<String> rooms = new LinkedHashSet<>();
    String owner;
    String token;
    boolean attached = true;

    SessionEntry(String id, User user, String owner, String token) {
      this.id = id;
      this.user = user;
      this.owner = owner;
      this.token = token;
    }
  }

  private static final class RoomEntry {
    /** userId -> the ids of the user's sessions in the room. */
    final Map<String, Set<String>> sessions = new HashMap<>();
    final Map<String, User> members = new LinkedHashMap<>();
    long version;

    List<User> sortedMembers() {
      List<User> sorted = new ArrayList<>(members.values());
      sorted.sort(Comparator.comparing(User::id));
      return sorted;
    }
  }
}
