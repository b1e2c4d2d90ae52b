package dev.natter.chat.internal.engine;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatServerListener;
import dev.natter.chat.Presence;
import dev.natter.chat.RoomInfo;
import dev.natter.chat.Rooms;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerFrame;
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
 * The rooms, and the one path every message takes: handed to the store under its room's lock, then,
 * once stored, offered to the room's {@link RoomSequencer} under that lock again, in the order it was
 * handed over. The sequencer delivers in {@code seq} order, so a slow disk holds up no other room.
 */
final class RoomRegistry {
  private static final System.Logger LOG = System.getLogger(RoomRegistry.class.getName());

  private final Map<String, Room> rooms = new ConcurrentHashMap<>();
  /** Messages handed to the store and not yet delivered (or failed): what a graceful shutdown waits for. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private final HistoryStore store;
  private final SessionRegistry sessions;
  private final Function<ServerFrame, PreparedFrame> prepare;
  private final ChatServerListener listener;
  private final RoomSequencer.FillTimer fillTimer;

  RoomRegistry(
      HistoryStore store,
      SessionRegistry sessions,
      Function<ServerFrame, PreparedFrame> prepare,
      ChatServerListener listener,
      RoomSequencer.FillTimer fillTimer) {
    this.store = store;
    this.sessions = sessions;
    this.prepare = prepare;
    this.listener = listener;
    this.fillTimer = fillTimer;
  }

  /** The room, created when it does not exist. The caller has checked the name. */
  Room room(String name) {
    Room room = rooms.get(name);
    return room != null ? room : rooms.computeIfAbsent(name, n -> new Room(n, store.state(n).latestSeq(),
        r -> new RoomSequencer(r, store, fillTimer, message -> fanOut(r, message))));
  }

  /** The room, or {@code null}. */
  Room existing(String name) {
    return rooms.get(name);
  }

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
      Room.PendingAppend pending = new Room.PendingAppend(stored);
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

  // The sequencer's delivery of one message to this server's connections, under the room's lock. The
  // listener is told by the local append (above), so a message another server stored is not reported.
  private void fanOut(Room room, ChatMessage stored) {
    PreparedFrame frame = prepare.apply(new ServerFrame.MessageEvent(stored));
    if (stored.to() != null) {
      deliverToUser(stored.from().id(), frame);
      deliverToUser(stored.to().id(), frame);
    } else {
      room.forEachConnection(null, connection -> connection.deliver(frame));
    }
  }

  /** Tells the room's other users of a presence change. Call under the room's lock. */
  void announce(Room room, Presence presence) {
    PreparedFrame frame = prepare.apply(new ServerFrame.PresenceEvent(presence));
    room.forEachConnection(presence.user().id(), connection -> connection.deliver(frame));
    notifyListener(() -> listener.onPresence(presence));
  }

  /**
   * Removes a session from a room, announcing the user's leave when it was their last session there.
   */
  void leave(Session session, String roomName, Presence.Reason reason) {
    session.rooms.remove(roomName);
    Room room = rooms.get(roomName);
    if (room == null) {
      return;
    }
    room.lock.lock();
    try {
      if (room.remove(session)) {
        announce(room, Presence.leave(roomName, session.user, reason));
      }
    } finally {
      room.lock.unlock();
    }
  }

  /**
   * Removes every session of {@code userId} from a room. The others, and the sessions removed, see a
   * leave with reason {@code kicked}. Returns whether the user was a member.
   */
  boolean kick(String roomName, String userId) {
    Room room = rooms.get(roomName);
    if (room == null) {
      return false;
    }
    room.lock.lock();
    try {
      List<Session> kicked = room.sessionsOf(userId);
      if (kicked.isEmpty()) {
        return false;
      }
      for (Session session : kicked) {
        session.rooms.remove(roomName);
        room.remove(session);
      }
      Presence presence = Presence.leave(roomName, kicked.get(0).user, Presence.Reason.KICKED);
      announce(room, presence);
      PreparedFrame frame = prepare.apply(new ServerFrame.PresenceEvent(presence));
      for (Session session : kicked) {
        Connection connection = session.connection;
        if (connection != null) {
          connection.deliver(frame);
        }
      }
      return true;
    } finally {
      room.lock.unlock();
    }
  }

  /** Rooms with members or history, direct rooms excepted, sorted by name. */
  List<RoomInfo> list() {
    Map<String, Integer> counts = new TreeMap<>();
    for (String name : store.rooms()) {
      counts.put(name, 0);
    }
    rooms.forEach((name, room) -> {
      if (!Rooms.isDirect(name)) {
        counts.put(name, room.memberCount());
      }
    });
    List<RoomInfo> list = new ArrayList<>(counts.size());
    counts.forEach((name, members) -> list.add(new RoomInfo(name, members)));
    return list;
  }

  /** A room's members, sorted by id; empty for an unknown room. */
  List<User> members(String name) {
    Room room = rooms.get(name);
    if (room == null) {
      return List.of();
    }
    room.lock.lock();
    try {
      return room.members();
    } finally {
      room.lock.unlock();
    }
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
