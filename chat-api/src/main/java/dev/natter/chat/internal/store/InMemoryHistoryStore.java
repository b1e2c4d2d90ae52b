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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded history in memory: the latest {@code maxMessagesPerRoom} of each room, one epoch for the
 * whole store. Each room's log is guarded by its own monitor; nothing global is locked on append.
 */
public final class InMemoryHistoryStore implements HistoryStore {
  /** The cid index keeps entries this long, like the engine's idempotency window. */
  private static final long CID_RETENTION_MILLIS = 10 * 60 * 1000;

  /** "room\nuserId" of every ban; a newline is in neither a room name nor a user id. */
  private final Set<String> bans = ConcurrentHashMap.newKeySet();
  private final int maxMessagesPerRoom;
  private final String epoch;
  private final Map<String, RoomLog> logs = new ConcurrentHashMap<>();
  private final Map<String, User> users = new ConcurrentHashMap<>();
  private final Map<String, ChatMessage> byCid = new ConcurrentHashMap<>();
  /** userId -> direct room -> latest message there. */
  private final Map<String, Map<String, ChatMessage>> directs = new ConcurrentHashMap<>();
  private volatile long lastCidPruneMillis;

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

  private ChatMessage store(NewMessage message) {
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
      directs.computeIfAbsent(stored.from().id(), id -> new ConcurrentHashMap<>()).put(stored.room(), stored);
      directs.computeIfAbsent(stored.to().id(), id -> new ConcurrentHashMap<>()).put(stored.room(), stored);
    }
    if (stored.cid() != null) {
      byCid.put(cidKey(stored.from().id(), stored.cid()), stored);
      pruneCids(stored.ts().toEpochMilli());
    }
    return stored;
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
    ChatMessage message = byCid.get(cidKey(userId, cid));
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

  private void pruneCids(long nowMillis) {
    // At most one sweep a minute, so appends stay O(1) however many cids are held.
    long last = lastCidPruneMillis;
    if (nowMillis - last < 60_000) {
      return;
    }
    lastCidPruneMillis = nowMillis;
    byCid.values().removeIf(m -> nowMillis - m.ts().toEpochMilli() > CID_RETENTION_MILLIS);
  }

  private static String cidKey(String userId, String cid) {
    return userId + '\u0000' + cid;
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
