package dev.natter.chat.internal.client;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.Cursor;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.Recovery;
import dev.natter.chat.Rooms;
import dev.natter.chat.spi.ServerFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rooms a client follows (those it joined, its direct conversations) and, for each, the last
 * message delivered to the listener: what to rejoin with after a reconnect, and the filter every
 * delivery goes through. A message reaches the listener only above its room's last delivered
 * {@code seq} and only if its {@code mid} was not delivered before.
 *
 * <p>After a reconnect each room catches up: its live messages are held back while the missed ones come
 * from the rejoin and from history pages, then delivered after them, so the listener sees one room's
 * messages in {@code seq} order. Not thread-safe: guarded by the client's lock. The decisions are here;
 * the client sends the frames.
 */
final class FollowedRooms {
  /** The live messages one room holds back while it catches up; past it, history fetches them. */
  static final int MAX_HELD_BACK = 1_000;
  /** How many delivered mids are remembered, across rooms. */
  static final int SEEN_MIDS = 10_000;
  /** The epoch of a cursor whose room's epoch the client never learned. */
  static final String UNKNOWN_EPOCH = "unknown";

  /** Where deliveries go: the client's listener, in order. */
  interface Sink {
    void message(ChatMessage message);

    void recovery(Recovery recovery);
  }

  /** A room to rejoin after a reconnect; {@code epoch} is {@code null} when unknown. */
  record Rejoin(String room, long seq, String epoch) {}

  private final Map<String, Room> rooms = new HashMap<>();
  private final SeenMids seen = new SeenMids(SEEN_MIDS);
  private final Sink sink;

  FollowedRooms(Sink sink) {
    this.sink = sink;
  }

  /** A room the user joined, or rejoined: its live messages follow {@code seq}. */
  void joined(String name, String epoch, long seq) {
    Room room = rooms.computeIfAbsent(name, Room::new);
    if (room.catchUp != null) {
      return; // the rejoin after the reconnect owns the cursor
    }
    if (epoch.equals(room.epoch)) {
      room.lastSeq = Math.max(room.lastSeq, seq);
    } else {
      room.epoch = epoch;
      room.lastSeq = seq;
    }
  }

  /** The rooms followed, direct rooms left out. */
  List<String> ordinaryRooms() {
    return rooms.keySet().stream().filter(name -> Rooms.directUsers(name) == null).sorted().toList();
  }

  /** The user left the room, or was removed: it is not rejoined any more. */
  void unfollow(String name) {
    rooms.remove(name);
  }

  /**
   * Follows the direct conversations of a {@code welcome}.
   *
   * @param fromStart whether one not yet followed is new since the last connection, so all its
   *     messages were missed; otherwise the client follows it from its latest message
   * @return the conversations that were not followed yet
   */
  List<DirectConversation> followDirects(List<DirectConversation> directs, boolean fromStart) {
    List<DirectConversation> added = new ArrayList<>();
    for (DirectConversation direct : directs) {
      if (!rooms.containsKey(direct.room())) {
        Room room = new Room(direct.room());
        room.epoch = direct.epoch();
        room.lastSeq = fromStart ? 0 : direct.seq();
        rooms.put(room.name, room);
        added.add(direct);
      }
    }
    return added;
  }

  /**
   * A live message: delivered, held back while its room catches up, or dropped as delivered already.
   * A room seen for the first time is followed from this message on.
   *
   * @return whether the room's epoch is unknown and should be asked for (once per connection)
   */
  boolean live(ChatMessage message) {
    Room room = rooms.get(message.room());
    if (room == null) {
      room = new Room(message.room());
      room.lastSeq = message.seq() - 1;
      rooms.put(room.name, room);
    }
    if (room.catchUp != null) {
      room.catchUp.holdBack(message);
      return false;
    }
    deliver(room, message);
    if (room.epoch == null && !room.askingEpoch) {
      room.askingEpoch = true;
      return true;
    }
    return false;
  }

  /** The answer to the question {@link #live} asked: the room's epoch, when still unknown. */
  void learnedEpoch(String name, String epoch) {
    Room room = rooms.get(name);
    if (room != null && room.epoch == null) {
      room.epoch = epoch;
    }
  }

  /**
   * Starts catching up every followed room after a reconnect: live messages are held back from now on.
   *
   * @return what to rejoin each room with
   */
  List<Rejoin> startCatchingUp() {
    List<Rejoin> rejoins = new ArrayList<>();
    for (Room room : rooms.values()) {
      room.askingEpoch = false;
      room.catchUp = new CatchUp(new Cursor(room.lastSeq, room.epoch == null ? UNKNOWN_EPOCH : room.epoch));
      rejoins.add(new Rejoin(room.name, room.lastSeq, room.epoch));
    }
    return rejoins;
  }

  /**
   * The answer to a rejoin: delivers the missed messages it holds, or reports the room not recovered.
   *
   * @return the {@code seq} to read the next history page after, or -1 when the room caught up
   */
  long rejoined(ServerFrame.Joined joined) {
    Room room = rooms.get(joined.room());
    if (room == null || room.catchUp == null) {
      return -1; // no longer followed
    }
    room.catchUp.latest = new Cursor(joined.seq(), joined.epoch());
    if (!Boolean.TRUE.equals(joined.recovered()) || !joined.epoch().equals(room.epoch)) {
      notRecovered(room, joined.epoch(), joined.seq());
      return -1;
    }
    joined.messages().forEach(message -> deliver(room, message));
    return next(room, joined.more() && !joined.messages().isEmpty());
  }

  /** A page of history read while catching up; returns as {@link #rejoined} does. */
  long page(ServerFrame.HistoryReply page) {
    Room room = rooms.get(page.room());
    if (room == null || room.catchUp == null) {
      return -1;
    }
    if (!page.epoch().equals(room.epoch)) {
      // The log was lost between the rejoin and this page.
      notRecovered(room, page.epoch(), room.catchUp.latest.seq());
      return -1;
    }
    page.messages().forEach(message -> deliver(room, message));
    return next(room, page.more() && !page.messages().isEmpty());
  }

  /**
   * A rejoin, or a page read while catching up, was refused: reported as not recovered. A refused
   * rejoin (banned meanwhile, say) also ends following the room.
   */
  void refused(String name, boolean rejoin) {
    Room room = rooms.get(name);
    if (room == null || room.catchUp == null) {
      return;
    }
    if (rejoin) {
      rooms.remove(name);
      sink.recovery(new Recovery(name, room.catchUp.since, room.catchUp.since, false));
    } else {
      notRecovered(room, room.epoch, room.catchUp.latest.seq());
    }
  }

  /** The connection was lost: catching up starts again, from the last delivered message, next time. */
  void abandonCatchingUp() {
    for (Room room : rooms.values()) {
      room.catchUp = null;
      room.askingEpoch = false;
    }
  }

  /** Whether a room is followed; for tests. */
  boolean follows(String name) {
    return rooms.containsKey(name);
  }

  private long next(Room room, boolean more) {
    CatchUp catchUp = room.catchUp;
    if (more || room.lastSeq < catchUp.maxDropped) {
      return room.lastSeq;
    }
    room.catchUp = null;
    catchUp.heldBack.values().forEach(message -> deliver(room, message));
    sink.recovery(new Recovery(room.name, catchUp.since, catchUp.latest, true));
    return -1;
  }

  // Reported before any later message of the room: the app reloads, then takes the live ones.
  private void notRecovered(Room room, String epoch, long latestSeq) {
    CatchUp catchUp = room.catchUp;
    room.catchUp = null;
    room.epoch = epoch;
    room.lastSeq = latestSeq;
    sink.recovery(new Recovery(room.name, catchUp.since, new Cursor(latestSeq, epoch), false));
    catchUp.heldBack.values().forEach(message -> deliver(room, message));
  }

  private void deliver(Room room, ChatMessage message) {
    if (message.seq() <= room.lastSeq) {
      return;
    }
    room.lastSeq = message.seq();
    if (seen.add(message.mid())) {
      sink.message(message);
    }
  }

  private static final class Room {
    final String name;
    /** The room's log, {@code null} until learned. */
    String epoch;
    /** The last seq delivered to the listener, or handed to the app in a join's answer. */
    long lastSeq;
    boolean askingEpoch;
    /** Set while the room catches up after a reconnect. */
    CatchUp catchUp;

    Room(String name) {
      this.name = name;
    }
  }

  private static final class CatchUp {
    final Cursor since;
    final TreeMap<Long, ChatMessage> heldBack = new TreeMap<>();
    /** The highest seq held back and then dropped for room: history must reach it. */
    long maxDropped;
    /** The room's position when it was rejoined. */
    Cursor latest;

    CatchUp(Cursor since) {
      this.since = since;
      this.latest = since;
    }

    void holdBack(ChatMessage message) {
      heldBack.put(message.seq(), message);
      if (heldBack.size() > MAX_HELD_BACK) {
        maxDropped = Math.max(maxDropped, heldBack.pollLastEntry().getKey());
      }
    }
  }
}
