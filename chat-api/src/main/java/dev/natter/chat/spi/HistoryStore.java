package dev.natter.chat.spi;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.PageRequest;
import dev.natter.chat.User;
import dev.natter.chat.internal.store.InMemoryHistoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where rooms' logs are kept. The store assigns each message its {@code seq}: 1 more than the room's
 * latest, gap-free.
 *
 * <p>Threading: an engine calls {@link #append} for one room from one thread at a time, in the order
 * the room's messages are to be stored; calls for different rooms, and reads, come concurrently. A
 * {@linkplain #isShared() shared} store may also get one room's appends from several engines at once.
 * Implementations must be thread-safe under that contract.
 *
 * <p>Appends are asynchronous so that a durable store can commit many of them in one transaction (group
 * commit) instead of one disk sync per message. {@link #append} never blocks: it queues the message, and
 * its future completes once the message is stored. For one room the futures of one engine's calls
 * complete in the order of the calls, and their {@code seq}s follow that order; a room's {@code seq}s
 * have no gap.
 *
 * <p>Failures: a read that cannot do its work throws {@link dev.natter.chat.ChatException} with
 * {@link dev.natter.chat.ChatStatus.Code#INTERNAL} (or any unchecked exception, which the engine treats
 * the same). An append that cannot be stored completes its future exceptionally and leaves nothing
 * half-written. No {@code seq} is lost to it: the appends queued behind it for the same room fail too
 * (their order could not be kept otherwise), and the next append after them takes the failed one's
 * {@code seq}. A store that cannot take more (its queue is full) fails the append at once.
 *
 * <p>The server owns the store it is given and closes it when it closes.
 */
public interface HistoryStore extends AutoCloseable {
  /**
   * How long a sender's {@code cid} stays taken, compared on the messages' {@code ts}: the engine's
   * idempotency window, and the one of {@link #append}'s rule for a repeated {@code cid}.
   */
  Duration CID_WINDOW = Duration.ofMinutes(10);

  /**
   * A store in this process's memory that keeps the latest 1000 messages of each room. Its epoch is new
   * for every store, so clients notice when a restarted process lost the history.
   */
  static HistoryStore inMemory() {
    return new InMemoryHistoryStore(1000);
  }

  /** Like {@link #inMemory()}, keeping the latest {@code maxMessagesPerRoom} of each room. */
  static HistoryStore inMemory(int maxMessagesPerRoom) {
    return new InMemoryHistoryStore(maxMessagesPerRoom);
  }

  /**
   * The state of a room's log: its stored messages, not those still queued. A room never written to
   * has {@code latestSeq} 0, and an epoch that stays the same for as long as its log is kept.
   */
  LogState state(String room);

  /**
   * The latest stored {@code seq} of each named room, as {@link #state} gives it (0 for a room never
   * written to): one entry per distinct name. A store reads them together where it can (one query);
   * by default this asks {@link #state} for each. Fails like a read; a {@code null} collection, or a
   * {@code null} name in it, throws {@link NullPointerException}.
   */
  default Map<String, Long> latestSeqs(Collection<String> rooms) {
    Objects.requireNonNull(rooms, "rooms");
    Map<String, Long> latest = new HashMap<>();
    for (String room : rooms) {
      if (!latest.containsKey(room)) {
        latest.put(room, state(Objects.requireNonNull(room, "room")).latestSeq());
      }
    }
    return Map.copyOf(latest);
  }

  /**
   * Whether several servers (engines in this process, or processes) may append to this one store at
   * once. A shared store assigns each room's {@code seq} where the message becomes durable, never from
   * what one writer remembers, so two writers never hand out the same one and a {@code seq} is readable
   * only once every lower one of its room is; and it keeps {@link #append}'s rule for a repeated
   * {@code cid} across its writers. Servers that run as a cluster need a shared store. False by
   * default.
   */
  default boolean isShared() {
    return false;
  }

  /**
   * Queues a message to be stored with the next {@code seq} of its room; never blocks. The future
   * completes with the stored message once it is as durable as the store makes it (for a disk-backed
   * store: committed), or exceptionally when it was not stored. See the class comment for the order
   * and failure rules. The future may complete on any thread, the caller's included.
   *
   * <p>A repeated {@code cid}: when the sender ({@code from.id()}) stored a message with the same
   * {@code cid} within {@link #CID_WINDOW} (its {@code ts} at most that long before this one's), a
   * {@linkplain #isShared() shared} store must complete the append with that first stored message,
   * which may be of another room, and store nothing: whichever writer stored the first, and when
   * several such appends come at once, one is stored. A store that is not shared may do the same, or
   * store the repeat as a new message: its only writer, the engine, answers repeats before they reach
   * the store (from its own memory, then {@link #findByCid}).
   */
  CompletableFuture<ChatMessage> append(NewMessage message);

  /** Reads a page of a room's log, messages oldest first. A room never written to gives an empty page. */
  HistoryPage read(String room, PageRequest request);

  /**
   * The message that {@code userId} sent with {@code cid} at or after {@code notBefore}, in any room, if
   * this store still knows it.
   */
  Optional<ChatMessage> findByCid(String userId, String cid, Instant notBefore);

  /** A user who sent or received a stored message, if any did. */
  Optional<User> findUser(String userId);

  /** The user's direct conversations, most recent first, at most {@code limit}. */
  List<DirectConversation> directConversations(String userId, int limit);

  /** The rooms, direct rooms excepted, that have at least one stored message. */
  List<String> rooms();

  /**
   * Records that {@code userId} is banned from {@code room}, or no longer is. As durable as the
   * store's messages: a ban outlives a restart with a durable store. Synchronous; fails like a read.
   */
  void setBanned(String room, String userId, boolean banned);

  /** Whether {@code userId} is banned from {@code room}. */
  boolean isBanned(String room, String userId);

  /** Releases the store's resources. Idempotent. */
  @Override
  void close();

  /**
   * A message to store; the store adds its {@code seq}.
   *
   * @param room the room
   * @param mid the message id
   * @param from the sender
   * @param to the recipient of a direct message, or {@code null}
   * @param text the text
   * @param ts the server's time
   * @param cid the idempotency key, or {@code null}
   */
  record NewMessage(String room, String mid, User from, User to, String text, Instant ts, String cid) {
    /** The stored message with its seq. */
    public ChatMessage withSeq(long seq) {
      return new ChatMessage(room, seq, mid, from, to, text, ts, cid);
    }
  }

  /**
   * The state of a room's log.
   *
   * @param epoch the name of the log; it changes only when the log was lost
   * @param firstSeq the oldest seq still held, or {@code latestSeq + 1} when none is held
   * @param latestSeq the newest seq, 0 when the room never had a message
   */
  record LogState(String epoch, long firstSeq, long latestSeq) {}
}
