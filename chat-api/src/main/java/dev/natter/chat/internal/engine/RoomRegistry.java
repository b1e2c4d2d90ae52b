package dev.natter.chat.internal.engine;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatServerListener;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.Presence;
import dev.natter.chat.RoomInfo;
import dev.natter.chat.Rooms;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.spi.cluster.MembershipDirectory;
import dev.natter.chat.spi.cluster.PresenceChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The rooms of this node, and the one path every message takes: handed to the store under its room's
 * lock, then, once stored, published to the other nodes and offered to the room's {@link RoomSequencer}
 * under that lock again, in the order it was handed over. The sequencer delivers in {@code seq} order,
 * so a slow disk holds up no other room. Presence takes the same kind of path: the cluster's
 * {@link MembershipDirectory} decides, and each room's {@link PresenceReplica} applies its changes in
 * version order before they reach the local sessions.
 */
final class RoomRegistry {
  private static final System.Logger LOG = System.getLogger(RoomRegistry.class.getName());

  private final Map<String, Room> rooms = new ConcurrentHashMap<>();
  /**
   * userId -> the latest seq of each of the user's direct rooms when this node began following the user
   * (in a cluster only): where a direct room opened here later starts, so a message another node stored
   * after that point is delivered, not taken for history.
   */
  private final Map<String, Map<String, Long>> directBaselines = new ConcurrentHashMap<>();
  /** Messages handed to the store and not yet delivered (or failed): what a graceful shutdown waits for. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private final HistoryStore store;
  private final SessionRegistry sessions;
  private final Cluster cluster;
  private final Function<ServerFrame, PreparedFrame> prepare;
  private final ChatServerListener listener;
  private final RoomSequencer.FillTimer fillTimer;

  RoomRegistry(
      HistoryStore store,
      SessionRegistry sessions,
      Cluster cluster,
      Function<ServerFrame, PreparedFrame> prepare,
      ChatServerListener listener,
      RoomSequencer.FillTimer fillTimer) {
    this.store = store;
    this.sessions = sessions;
    this.cluster = cluster;
    this.prepare = prepare;
    this.listener = listener;
    this.fillTimer = fillTimer;
  }

  /** The room, created when it does not exist. The caller has checked the name. */
  Room room(String name) {
    Room room = rooms.get(name);
    return room != null ? room : rooms.computeIfAbsent(name, n -> newRoom(n, startOf(n)));
  }

  private Room newRoom(String name, long deliveredSeq) {
    return new Room(name, deliveredSeq, r -> new RoomSequencer(r, store, fillTimer, message -> fanOut(r, message)));
  }

  // Where a room opened now starts: the store's latest, but for a direct room of a user followed here,
  // where it was when the following began (the earliest, when both users are).
  private long startOf(String name) {
    String[] users = Rooms.directUsers(name);
    if (users != null) {
      Long start = null;
      for (String user : users) {
        Map<String, Long> baselines = directBaselines.get(user);
        if (baselines != null) {
          long seq = baselines.getOrDefault(name, 0L);
          start = start == null ? seq : Math.min(start, seq);
        }
      }
      if (start != null) {
        return start;
      }
    }
    return store.state(name).latestSeq();
  }

  /**
   * Records where each of a user's direct rooms stood as this node began following the user (read after
   * the bus subscription): see {@link #directBaselines}. Conversations not listed start at 0.
   */
  void recordDirectBaselines(String userId, List<dev.natter.chat.DirectConversation> conversations) {
    Map<String, Long> baselines = new ConcurrentHashMap<>();
    conversations.forEach(conversation -> baselines.put(conversation.room(), conversation.seq()));
    directBaselines.put(userId, baselines);
  }

  /** The room, or {@code null}. */
  Room existing(String name) {
    return rooms.get(name);
  }

  // ---- messages ----

  /**
   * Hands a message to the store and, once stored, delivers it to every attached session in the room
   * (for a direct room: every session of its two users). The frame is prepared once for all. The future
   * completes after the delivery (which waits for the messages before it in {@code seq}), or
   * exceptionally when the store failed.
   */
  CompletableFuture<ChatMessage> publish(HistoryStore.NewMessage message) {
    Room room = room(message.room());
    room.lock.lock();
    try {
      CompletableFuture<ChatMessage> stored;
      try {
        stored = store.append(message);
      } catch (RuntimeException e) {
        stored = CompletableFuture.failedFuture(e);
      }
      Room.PendingAppend pending = new Room.PendingAppend(message.mid(), stored);
      room.pending.addLast(pending);
      inFlight.incrementAndGet();
      // An in-memory store completes at once: this then delivers right here, still under the lock.
      stored.whenComplete((result, error) -> deliverStored(room));
      return pending.delivered;
    } finally {
      room.lock.unlock();
    }
  }

  /** Whether every message handed to the store was delivered, or failed. */
  boolean idle() {
    return inFlight.get() == 0;
  }

  /**
   * A message another node stored: into its room's sequencer, when this node follows the room or holds
   * a session of either user of a direct message.
   */
  void arrived(ChatMessage message) {
    Room room = rooms.get(message.room());
    if (room == null) {
      if (message.to() == null
          || (sessions.sessionsOf(message.from().id()).isEmpty() && sessions.sessionsOf(message.to().id()).isEmpty())) {
        return;
      }
      room = room(message.room());
    }
    room.sequencer.offer(message);
  }

  /**
   * Forgets the direct rooms of a user who has no session here any more, when the other user has none
   * either: their order restarts from the store (or from the next arrival) if they come back, rather than
   * from a {@code seq} that went stale meanwhile.
   */
  void forgetDirectRoomsOf(String userId) {
    directBaselines.remove(userId);
    for (Room room : rooms.values()) {
      String[] users = Rooms.directUsers(room.name);
      if (users == null || !(users[0].equals(userId) || users[1].equals(userId))) {
        continue;
      }
      String other = users[0].equals(userId) ? users[1] : users[0];
      if (!sessions.sessionsOf(userId).isEmpty() || !sessions.sessionsOf(other).isEmpty()) {
        continue;
      }
      room.lock.lock();
      try {
        if (room.pending.isEmpty() && room.sequencer.heldCount() == 0) {
          rooms.remove(room.name, room);
        }
      } finally {
        room.lock.unlock();
      }
    }
  }

  // Offers to the sequencer, in hand-over order, every pending append whose store step finished, so
  // each sender's answers keep the order of its sends. Whichever thread completes a store future runs
  // this; the lock and the queue keep the order whatever that thread is.
  private void deliverStored(Room room) {
    room.lock.lock();
    try {
      while (!room.pending.isEmpty() && room.pending.peekFirst().stored.isDone()) {
        Room.PendingAppend head = room.pending.removeFirst();
        ChatMessage stored;
        try {
          stored = head.stored.join();
        } catch (CompletionException | CancellationException e) {
          try {
            head.delivered.completeExceptionally(e.getCause() != null ? e.getCause() : e);
          } finally {
            inFlight.decrementAndGet();
          }
          continue;
        }
        if (!stored.mid().equals(head.mid)) {
          // A repeated cid: the store answered with the first message (stored by this node or another,
          // maybe in another room), which was published and delivered when it was stored.
          try {
            head.delivered.complete(stored);
          } finally {
            inFlight.decrementAndGet();
          }
          continue;
        }
        // In seq order, before any wait for a hole here: the other nodes must not wait on this one.
        cluster.bus().publish(stored);
        // Normally delivered right here; behind a hole, once it closes. In flight until the broadcast
        // and the sender's answer (queued by what completing the future runs) are out: a graceful
        // shutdown that saw it done before could close ahead of the ack.
        room.sequencer.offer(stored, () -> {
          try {
            notifyListener(() -> listener.onMessage(stored));
            head.delivered.complete(stored);
          } finally {
            inFlight.decrementAndGet();
          }
        });
      }
    } finally {
      room.lock.unlock();
    }
  }

  // The sequencer's delivery of one message to this node's connections, under the room's lock. The
  // listener is told by the local append (above), so a message another node stored is not reported.
  private void fanOut(Room room, ChatMessage stored) {
    PreparedFrame frame = prepare.apply(new ServerFrame.MessageEvent(stored));
    if (stored.to() != null) {
      deliverToUser(stored.from().id(), frame);
      deliverToUser(stored.to().id(), frame);
    } else {
      room.forEachConnection(connection -> connection.deliver(frame));
    }
  }

  // ---- following a room on the bus ----

  /**
   * Called before a session's join asks the directory: follows the room on the bus when this node did
   * not yet, so no change made after the directory's answer is missed.
   *
   * @throws ChatException {@code internal} when the bus cannot be reached
   */
  void beginJoin(Room room) {
    room.followLock.lock();
    try {
      if (!room.followed) {
        cluster.bus().follow(room.name);
        room.followed = true;
        // Read after following: what is stored later arrives. What came before was for nobody here.
        try {
          room.sequencer.rebase(store.state(room.name).latestSeq());
        } catch (RuntimeException e) {
          room.followed = false;
          cluster.bus().unfollow(room.name);
          throw e;
        }
      }
      room.joinsUnderWay++;
    } finally {
      room.followLock.unlock();
    }
  }

  /** Called once a join {@linkplain #beginJoin began} was added here, or failed. */
  void endJoin(Room room) {
    room.followLock.lock();
    try {
      room.joinsUnderWay--;
    } finally {
      room.followLock.unlock();
    }
    unfollowIfUnused(room);
  }

  // Stops following a room no local session is in or joining, and forgets its members.
  private void unfollowIfUnused(Room room) {
    room.followLock.lock();
    try {
      if (!room.followed || room.joinsUnderWay > 0) {
        return;
      }
      room.lock.lock();
      try {
        if (room.hasLocalSessions()) {
          return;
        }
        room.replica.reset();
      } finally {
        room.lock.unlock();
      }
      room.followed = false;
      cluster.bus().unfollow(room.name);
    } finally {
      room.followLock.unlock();
    }
  }

  // ---- membership and presence ----

  /**
   * Adds a session that the directory put in the room, and returns the members its {@code joined}
   * answer shows: the directory's, or the replica's when it has applied later changes. Applies the join
   * change, if any. Call under the room's lock, between {@link #beginJoin} and {@link #endJoin}.
   *
   * @throws ChatException {@code forbidden} when a later change took the user out again (a kick)
   */
  List<User> addMember(Room room, Session session, MembershipDirectory.Joined joined) {
    deliverPresence(room, room.replica.init(joined.members(), joined.version()));
    armResyncIfHeld(room);
    if (joined.change() != null) {
      notifyListener(() -> listener.onPresence(joined.change().presence()));
    }
    List<User> members;
    long seen;
    if (room.replica.applied() >= joined.version()) {
      if (!room.replica.isMember(session.user.id())) {
        throw ChatStatus.of(ChatStatus.Code.FORBIDDEN, "removed from " + room.name + " while joining")
            .asException();
      }
      members = room.replica.members();
      seen = room.replica.applied();
    } else {
      members = joined.members();
      seen = joined.version();
    }
    session.rooms.add(room.name);
    room.addLocal(session, seen);
    if (joined.change() != null) {
      offerChange(room, joined.change());
    }
    return members;
  }

  /** Applies a change this node made: told to the listener, then to the local sessions in order. */
  void applyOwn(PresenceChange change) {
    Room room = rooms.get(change.presence().room());
    if (room == null) {
      notifyListener(() -> listener.onPresence(change.presence()));
      return;
    }
    room.lock.lock();
    try {
      notifyListener(() -> listener.onPresence(change.presence()));
      offerChange(room, change);
    } finally {
      room.lock.unlock();
    }
    unfollowIfUnused(room);
  }

  /** Applies a change another node made, to a room this node follows. */
  void applyArrived(PresenceChange change) {
    Room room = rooms.get(change.presence().room());
    if (room == null) {
      return;
    }
    room.lock.lock();
    try {
      offerChange(room, change);
    } finally {
      room.lock.unlock();
    }
    unfollowIfUnused(room);
  }

  // Under the room's lock.
  private void offerChange(Room room, PresenceChange change) {
    deliverPresence(room, room.replica.offer(change));
    armResyncIfHeld(room);
  }

  // Under the room's lock: each change to the local sessions that joined before it; a leave first takes
  // the user's remaining local sessions out (a kick, or a disconnect made elsewhere), so they can send
  // nothing more to the room once they hear it.
  private void deliverPresence(Room room, List<PresenceChange> changes) {
    for (PresenceChange change : changes) {
      Presence presence = change.presence();
      PreparedFrame frame = prepare.apply(new ServerFrame.PresenceEvent(presence));
      List<Session> removed = List.of();
      if (presence.event() == Presence.Event.LEAVE) {
        removed = room.removeLocalBefore(presence.user().id(), change.version());
        removed.forEach(session -> session.rooms.remove(room.name));
      }
      room.forEachPresenceRecipient(change, connection -> connection.deliver(frame));
      if (presence.reason() == Presence.Reason.KICKED) {
        for (Session session : removed) {
          Connection connection = session.connection;
          if (connection != null) {
            connection.deliver(frame);
          }
        }
      }
    }
  }

  // A hole in the versions: after the gap-fill delay, read the directory's snapshot off the lock.
  private void armResyncIfHeld(Room room) {
    // Before its first join answer the replica only holds, and a resync would have nothing to start from.
    if (!room.replica.initialized() || !room.replica.hasHeld() || room.resyncArmed) {
      return;
    }
    room.resyncArmed = true;
    fillTimer.arm(() -> resync(room));
  }

  /** Brings a followed room's members up to the directory's, delivering the differences. */
  void resync(Room room) {
    MembershipDirectory.Snapshot snapshot;
    try {
      snapshot = cluster.memberships().members(room.name);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "reading the members of " + room.name + " failed; retrying", e);
      room.lock.lock();
      try {
        room.resyncArmed = false;
        armResyncIfHeld(room);
      } finally {
        room.lock.unlock();
      }
      return;
    }
    room.lock.lock();
    try {
      room.resyncArmed = false;
      deliverPresence(room, room.replica.resync(snapshot));
      armResyncIfHeld(room);
    } finally {
      room.lock.unlock();
    }
    unfollowIfUnused(room);
  }

  /**
   * Puts a session resumed from another node in its rooms here, quietly: for the others it never left.
   * A room whose members no longer include its user (kicked meanwhile) is dropped from the session.
   */
  void adopt(Session session) {
    for (String name : List.copyOf(session.rooms)) {
      Room room = room(name);
      beginJoin(room);
      try {
        MembershipDirectory.Snapshot snapshot = cluster.memberships().members(name);
        room.lock.lock();
        try {
          deliverPresence(room, room.replica.init(snapshot.members(), snapshot.version()));
          armResyncIfHeld(room);
          if (snapshot.members().stream().noneMatch(user -> user.id().equals(session.user.id()))) {
            session.rooms.remove(name);
            continue;
          }
          room.addLocal(session, Math.max(room.replica.applied(), snapshot.version()));
        } finally {
          room.lock.unlock();
        }
      } finally {
        endJoin(room);
      }
    }
  }

  /**
   * A session resumed on this node keeps only the rooms the directory still has it in: a kick while it
   * was away may not have reached this node yet. Left quietly: the kick was announced, and the client
   * learns it from the welcome's rooms.
   */
  void keepOnly(Session session, java.util.Set<String> kept) {
    for (String name : List.copyOf(session.rooms)) {
      if (kept.contains(name)) {
        continue;
      }
      session.rooms.remove(name);
      Room room = rooms.get(name);
      if (room != null) {
        room.lock.lock();
        try {
          room.removeLocal(session);
        } finally {
          room.lock.unlock();
        }
        unfollowIfUnused(room);
      }
    }
  }

  /**
   * The bus may have lost traffic: every followed room's members are compared with the directory's,
   * and its messages, like those of the direct rooms open here, with the store's.
   */
  void catchUp() {
    List<Room> followed = rooms.values().stream().filter(room -> room.followed).toList();
    followed.forEach(this::resync);
    // A direct room is open here only while one of its users has a session here.
    List<Room> delivering = rooms.values().stream()
        .filter(room -> room.followed || Rooms.isDirect(room.name)).toList();
    Map<String, Long> latest;
    try {
      latest = store.latestSeqs(delivering.stream().map(room -> room.name).toList());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "catching up failed: the store's latest seqs are unreadable", e);
      return;
    }
    for (Room room : delivering) {
      room.sequencer.catchUp(latest.getOrDefault(room.name, 0L));
    }
  }

  /**
   * Takes a session out of a room, announcing the user's leave when it was their last session there.
   *
   * @throws ChatException {@code internal} when the directory cannot be reached; nothing changed then
   */
  void leave(Session session, String roomName, Presence.Reason reason) {
    PresenceChange change = cluster.memberships().leave(roomName, session.id, reason);
    session.rooms.remove(roomName);
    Room room = rooms.get(roomName);
    if (room != null) {
      room.lock.lock();
      try {
        room.removeLocal(session);
      } finally {
        room.lock.unlock();
      }
    }
    if (change != null) {
      applyOwn(change);
    } else if (room != null) {
      unfollowIfUnused(room);
    }
  }

  /**
   * Takes a session out of this node's rooms without any presence: it ended (the changes the directory
   * made for it are applied after) or it moved to another node.
   */
  void forget(Session session, List<PresenceChange> changes) {
    List<Room> left = new ArrayList<>();
    for (String name : List.copyOf(session.rooms)) {
      Room room = rooms.get(name);
      if (room != null) {
        room.lock.lock();
        try {
          room.removeLocal(session);
        } finally {
          room.lock.unlock();
        }
        left.add(room);
      }
    }
    session.rooms.clear();
    changes.forEach(this::applyOwn);
    left.forEach(this::unfollowIfUnused);
  }

  /**
   * Removes every session of {@code userId} from a room, cluster-wide. The others, and the sessions
   * removed, see a leave with reason {@code kicked}. Returns whether the user was a member.
   */
  boolean kick(String roomName, String userId) {
    PresenceChange change = cluster.memberships().kick(roomName, userId);
    if (change == null) {
      return false;
    }
    applyOwn(change);
    return true;
  }

  /** Rooms with members or history, direct rooms excepted, sorted by name. */
  List<RoomInfo> list() {
    Map<String, Integer> counts = new TreeMap<>();
    for (String name : store.rooms()) {
      counts.put(name, 0);
    }
    counts.putAll(cluster.memberships().memberCounts());
    List<RoomInfo> list = new ArrayList<>(counts.size());
    counts.forEach((name, members) -> list.add(new RoomInfo(name, members)));
    return list;
  }

  /** A room's members, cluster-wide, sorted by id; empty for an unknown room. */
  List<User> members(String name) {
    return cluster.memberships().members(name).members();
  }

  private void deliverToUser(String userId, PreparedFrame frame) {
    for (Session session : sessions.sessionsOf(userId)) {
      Connection connection = session.connection;
      if (connection != null) {
        connection.deliver(frame);
      }
    }
  }

  private static void notifyListener(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a ChatServerListener threw; ignored", e);
    }
  }
}
