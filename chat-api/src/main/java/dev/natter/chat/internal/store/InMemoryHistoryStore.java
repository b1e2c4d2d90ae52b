package dev.natter.chat.internal.store;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.PageRequest;
import dev.natter.chat.Rooms;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded history in memory: the latest {@code maxMessagesPerRoom} of each room, one epoch for the
 * whole store. Each room's log is guarded by its own monitor, which numbers its messages; nothing
 * global is locked on append.
 *
 * <p>Shared: several engines in this JVM may append to one instance. A {@code seq} is taken and its
 * message added to the log under the room's monitor, so two appends never get the same one and a read
 * sees a prefix of the log. A message with a {@code cid} is stored under its sender's monitor (taken
 * before the room's, never the other way round), which checks the sender's recent cids first: a
 * repeat, in any room, gets the first message back (see {@link HistoryStore#append}).
 */
public final class InMemoryHistoryStore implements HistoryStore {
  /** How often, at most, the cids of every sender are swept, by the appended messages' ts. */
  private static final long CID_SWEEP_MILLIS = 60_000;

  /** "room\nuserId" of every ban; a newline is in neither a room name nor a user id. */
  private final Set<String> bans = ConcurrentHashMap.newKeySet();
  private final int maxMessagesPerRoom;
  private final String epoch;
  private final Map<String, RoomLog> logs = new ConcurrentHashMap<>();
  private final Map<String, User> users = new ConcurrentHashMap<>();
  /** userId -> the cids that user stored lately; a user with none has no entry. */
  private final Map<String, SentCids> cids = new ConcurrentHashMap<>();
  /** userId -> direct room -> latest message there. */
  private final Map<String, Map<String, ChatMessage>> directs = new ConcurrentHashMap<>();
  private volatile long lastCidSweepMillis;

  public InMemoryHistoryStore(int maxMessagesPerRoom) {
    if (maxMessagesPerRoom <= 0) {
      throw new IllegalArgumentException("maxMessagesPerRoom must be positive: " + maxMessagesPerRoom);
    }
    this.maxMessagesPerRoom = maxMessagesPerRoom;
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    this.epoch = HexFormat.of().formatHex(random);
  }

  @Override
  public LogState state(String room) {
    RoomLog log = logs.get(room);
    if (log == null) {
      return new LogState(epoch, 1, 0);
    }
    synchronized (log) {
      return new LogState(epoch, log.firstSeq(), log.latestSeq);
    }
  }

  @Override
  public CompletableFuture<ChatMessage> append(NewMessage message) {
    try {
      return CompletableFuture.completedFuture(store(message));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public boolean isShared() {
    return true;
  }

  private ChatMessage store(NewMessage message) {
    if (message.cid() == null) {
      return storeNew(message);
    }
    ChatMessage stored = storeOnce(message);
    sweepCids(message.ts().toEpochMilli());
    return stored;
  }

  // Under the sender's monitor, so that of two appends of one cid at once, one stores and the other
  // finds it.
  private ChatMessage storeOnce(NewMessage message) {
    while (true) {
      SentCids sent = cids.computeIfAbsent(message.from().id(), id -> new SentCids());
      synchronized (sent) {
        if (sent.dropped) {
          continue; // the sweep took it out of the map meanwhile: a new one is there now
        }
        ChatMessage first = sent.byCid.get(message.cid());
        if (first != null && !first.ts().isBefore(message.ts().minus(CID_WINDOW))) {
          return first;
        }
        ChatMessage stored = storeNew(message);
        sent.byCid.put(stored.cid(), stored); // replaces one older than the window
        return stored;
      }
    }
  }

  private ChatMessage storeNew(NewMessage message) {
    RoomLog log = logs.computeIfAbsent(message.room(), room -> new RoomLog());
    ChatMessage stored;
    synchronized (log) {
      stored = message.withSeq(log.latestSeq + 1);
      log.latestSeq = stored.seq();
      log.messages.addLast(stored);
      if (log.messages.size() > maxMessagesPerRoom) {
        log.messages.removeFirst();
      }
    }
    users.put(stored.from().id(), stored.from());
    if (stored.to() != null) {
      users.put(stored.to().id(), stored.to());
      // Two engines may store in one direct room at once: the higher seq is the latest, whichever
      // thread gets here first.
      directs.computeIfAbsent(stored.from().id(), id -> new ConcurrentHashMap<>())
          .merge(stored.room(), stored, InMemoryHistoryStore::later);
      directs.computeIfAbsent(stored.to().id(), id -> new ConcurrentHashMap<>())
          .merge(stored.room(), stored, InMemoryHistoryStore::later);
    }
    return stored;
  }

  private static ChatMessage later(ChatMessage a, ChatMessage b) {
    return b.seq() > a.seq() ? b : a;
  }

  @Override
  public HistoryPage read(String room, PageRequest request) {
    RoomLog log = logs.get(room);
    if (log == null) {
      return new HistoryPage(room, epoch, List.of(), false);
    }
    synchronized (log) {
      List<ChatMessage> all = new ArrayList<>(log.messages);
      int from;
      int to;
      boolean more;
      switch (request.direction()) {
        case AFTER -> {
          from = indexOfFirstAbove(all, request.seq());
          to = Math.min(all.size(), from + request.limit());
          more = to < all.size();
        }
        case BEFORE -> {
          to = indexOfFirstAbove(all, request.seq() - 1);
          from = Math.max(0, to - request.limit());
          more = from > 0;
        }
        default -> {
          to = all.size();
          from = Math.max(0, to - request.limit());
          more = from > 0;
        }
      }
      return new HistoryPage(room, epoch, all.subList(from, to), more);
    }
  }

  @Override
  public Optional<ChatMessage> findByCid(String userId, String cid, Instant notBefore) {
    SentCids sent = cids.get(userId);
    if (sent == null) {
      return Optional.empty();
    }
    ChatMessage message;
    synchronized (sent) {
      message = sent.byCid.get(cid);
    }
    return message == null || message.ts().isBefore(notBefore) ? Optional.empty() : Optional.of(message);
  }

  @Override
  public Optional<User> findUser(String userId) {
    return Optional.ofNullable(users.get(userId));
  }

  @Override
  public List<DirectConversation> directConversations(String userId, int limit) {
    Map<String, ChatMessage> latest = directs.getOrDefault(userId, Map.of());
    return latest.values().stream()
        .sorted(Comparator.comparing(ChatMessage::ts).thenComparing(ChatMessage::mid).reversed())
        .limit(limit)
        .map(m -> {
          User with = m.from().id().equals(userId) ? m.to() : m.from();
          return new DirectConversation(m.room(), with, state(m.room()).latestSeq(), epoch);
        })
        .toList();
  }

  @Override
  public List<String> rooms() {
    return logs.keySet().stream().filter(room -> !Rooms.isDirect(room)).sorted().toList();
  }

  /** Keeps nothing open: the contents stay, so a new server may start on this store. */
  @Override
  public void setBanned(String room, String userId, boolean banned) {
    if (banned) {
      bans.add(room + '\n' + userId);
    } else {
      bans.remove(room + '\n' + userId);
    }
  }

  @Override
  public boolean isBanned(String room, String userId) {
    return bans.contains(room + '\n' + userId);
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "HistoryStore.inMemory(" + maxMessagesPerRoom + ")";
  }

  private static int indexOfFirstAbove(List<ChatMessage> messages, long seq) {
    int low = 0;
    int high = messages.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (messages.get(mid).seq() <= seq) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /**
   * Forgets the cids that no append at {@code nowMillis} or later can repeat (older than the window),
   * and the senders left with none, so what is kept stays bounded by the window. At most one sweep a
   * minute, so appends stay O(1) however many cids are held.
   */
  private void sweepCids(long nowMillis) {
    long last = lastCidSweepMillis;
    if (nowMillis - last < CID_SWEEP_MILLIS) {
      return;
    }
    lastCidSweepMillis = nowMillis;
    long oldest = nowMillis - CID_WINDOW.toMillis();
    for (Map.Entry<String, SentCids> entry : cids.entrySet()) {
      SentCids sent = entry.getValue();
      synchronized (sent) {
        sent.byCid.values().removeIf(m -> m.ts().toEpochMilli() < oldest);
        if (sent.byCid.isEmpty()) {
          // Removed under its monitor: an append that waited for it sees it dropped and looks again.
          sent.dropped = true;
          cids.remove(entry.getKey(), sent);
        }
      }
    }
  }

  /** A sender's cids within the window, each with its message; guarded by its own monitor. */
  private static final class SentCids {
    final Map<String, ChatMessage> byCid = new HashMap<>();
    /** Taken out of the map by a sweep: appends must use the one there now. */
    boolean dropped;
  }

  /** One room's retained messages. */
  private static final class RoomLog {
    final ArrayDeque<ChatMessage> messages = new ArrayDeque<>();
    long latestSeq;

    long firstSeq() {
      return messages.isEmpty() ? latestSeq + 1 : messages.peekFirst().seq();
    }
  }
}
