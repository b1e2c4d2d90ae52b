package dev.natter.chat.internal.engine;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.PageRequest;
import dev.natter.chat.spi.HistoryStore;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Delivers one room's stored messages to its local connections strictly in {@code seq} order, each
 * once, whatever order they are offered in (docs/cluster.md §4). With one server the store numbers a
 * room's appends in the order {@link RoomRegistry} offers them, so every offer is the next {@code seq}
 * and nothing is ever held; with several, another node's message can arrive late, twice, or not at all.
 *
 * <p>The contract of {@link #offer}, under the room's lock, against {@link Room#deliveredSeq}:
 *
 * <ul>
 *   <li>{@code seq <= deliveredSeq}: a duplicate, dropped (and counted).
 *   <li>{@code seq == deliveredSeq + 1}: delivered at once, then every held message that is now next.
 *   <li>higher: held until its predecessors come. Whenever something is held a gap fill is armed or
 *       running: after the engine's gap-fill delay it reads the messages after {@code deliveredSeq} from
 *       the store, off the lock, and offers them. A fill that fails, or leaves a hole, arms the next.
 *       Messages the store no longer keeps (it holds only a room's latest) are skipped with a warning
 *       rather than waited for.
 * </ul>
 *
 * <p>A caller that must know when its message reached the local connections (a local append, whose
 * sender's {@code ok} waits for it) passes an action that runs under the lock right after that
 * delivery: at once when its {@code seq} was delivered already, later when it is held behind a hole.
 */
final class RoomSequencer {
  private static final System.Logger LOG = System.getLogger(RoomSequencer.class.getName());

  /**
   * How long a hole may stay open before the store is read: nodes publish after their commit, so two
   * nodes' messages can arrive swapped for a moment.
   */
  static final Duration DEFAULT_GAP_FILL_DELAY = Duration.ofMillis(100);

  /** Messages per store read of a fill; a longer hole takes several. */
  static final int FILL_PAGE = 100;

  /** Runs a gap fill later: after the gap-fill delay, on a thread where a store read may block. */
  @FunctionalInterface
  interface FillTimer {
    void arm(Runnable fill);
  }

  private final Room room;
  private final HistoryStore store;
  private final FillTimer timer;
  private final Consumer<ChatMessage> fanOut;

  // All guarded by the room's lock.
  /** seq -> a message offered before its predecessors, with what waits for its delivery. */
  private final TreeMap<Long, Held> held = new TreeMap<>();
  /** A fill is armed or running; there is never more than one. */
  private boolean fillArmed;
  /** The store has messages up to here (a catch-up found them): fill until delivered. */
  private long catchUpTo;
  /** The last fill failed: warned once, the retries log at DEBUG until one succeeds. */
  private boolean fillFailing;
  private long duplicatesDropped;
  private long fillsDone;

  /**
   * @param fanOut delivers one message to the room's local connections; called under the room's lock,
   *     in {@code seq} order
   */
  RoomSequencer(Room room, HistoryStore store, FillTimer timer, Consumer<ChatMessage> fanOut) {
    this.room = room;
    this.store = store;
    this.timer = timer;
    this.fanOut = fanOut;
  }

  /** Offers a stored message: delivered now, held, or dropped as a duplicate (see the class comment). */
  void offer(ChatMessage message) {
    offer(message, null);
  }

  /**
   * Offers a stored message, and runs {@code whenDelivered} (if not null) under the room's lock once a
   * message with its {@code seq} was delivered locally.
   */
  void offer(ChatMessage message, Runnable whenDelivered) {
    room.lock.lock();
    try {
      long seq = message.seq();
      if (seq <= room.deliveredSeq) {
        duplicatesDropped++;
        run(whenDelivered); // delivered already, by the earlier copy
      } else if (seq == room.deliveredSeq + 1) {
        deliver(message, whenDelivered);
        deliverHeldSuccessors();
      } else {
        Held earlier = held.get(seq);
        if (earlier != null) {
          duplicatesDropped++;
          earlier.alsoWhenDelivered(whenDelivered);
        } else {
          held.put(seq, new Held(message, whenDelivered));
          armFill();
        }
      }
    } finally {
      room.lock.unlock();
    }
  }

  /**
   * The store holds the room's messages up to {@code latestStored}, which may not have arrived (the bus
   * lost them): reads them after the gap-fill delay unless they arrive meanwhile.
   */
  void catchUp(long latestStored) {
    room.lock.lock();
    try {
      catchUpTo = Math.max(catchUpTo, latestStored);
      if (room.deliveredSeq < catchUpTo) {
        armFill();
      }
    } finally {
      room.lock.unlock();
    }
  }

  /**
   * Starts from {@code latestStored} when behind it: the node follows the room again after a time it
   * did not, and nobody here was waiting for what it missed. Held messages up to it are dropped.
   */
  void rebase(long latestStored) {
    room.lock.lock();
    try {
      if (latestStored <= room.deliveredSeq) {
        return;
      }
      room.deliveredSeq = latestStored;
      while (!held.isEmpty() && held.firstKey() <= latestStored) {
        run(held.pollFirstEntry().getValue().whenDelivered);
      }
      deliverHeldSuccessors();
    } finally {
      room.lock.unlock();
    }
  }

  /** Messages dropped because their {@code seq} was delivered or held already. */
  long duplicatesDropped() {
    return withLock(() -> duplicatesDropped);
  }

  /** Gap fills that read the store successfully. */
  long fillsDone() {
    return withLock(() -> fillsDone);
  }

  /** Messages held behind a hole. */
  int heldCount() {
    return withLock(held::size);
  }

  private void deliver(ChatMessage message, Runnable whenDelivered) {
    try {
      fanOut.accept(message);
    } catch (RuntimeException e) {
      // Counted as delivered all the same: one broken fan-out must not stall the room for good.
      LOG.log(System.Logger.Level.WARNING, "delivering " + message.room() + " #" + message.seq() + " failed", e);
    }
    room.deliveredSeq = message.seq();
    run(whenDelivered);
  }

  private void deliverHeldSuccessors() {
    while (!held.isEmpty() && held.firstKey() == room.deliveredSeq + 1) {
      Held next = held.pollFirstEntry().getValue();
      deliver(next.message, next.whenDelivered);
    }
  }

  private void armFill() {
    if (!fillArmed) {
      fillArmed = true;
      timer.arm(this::fill);
    }
  }

  // The timer's task, off the lock. Whatever happens, it ends by arming the next fill if the hole is
  // still open: a held message must never be left waiting with nothing to close its hole.
  private void fill() {
    boolean read = false;
    RuntimeException failure = null;
    try {
      read = readMissing();
    } catch (RuntimeException e) {
      failure = e;
    }
    room.lock.lock();
    try {
      fillArmed = false;
      if (failure != null) {
        System.Logger.Level level = fillFailing ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING;
        LOG.log(level, "reading the missing messages of " + room.name + " failed; retrying", failure);
        fillFailing = true;
      } else if (read) {
        fillsDone++;
        fillFailing = false;
      }
      if (behind()) {
        armFill();
      }
    } finally {
      room.lock.unlock();
    }
  }

  // Whether a fill has work: a hole before held messages, or a catch-up not reached. Under the lock.
  private boolean behind() {
    return !held.isEmpty() || room.deliveredSeq < catchUpTo;
  }

  // Reads the messages after deliveredSeq, page by page, until nothing is held any more or the store
  // has no more. Returns whether it read the store at all (the hole may have closed meanwhile).
  private boolean readMissing() {
    boolean read = false;
    while (true) {
      long after;
      room.lock.lock();
      try {
        if (!behind()) {
          return read;
        }
        after = room.deliveredSeq;
      } finally {
        room.lock.unlock();
      }
      HistoryPage page = store.read(room.name, PageRequest.after(after, FILL_PAGE));
      read = true;
      room.lock.lock();
      try {
        skipLost(after, page.messages());
        for (ChatMessage message : page.messages()) {
          offer(message);
        }
        if (!page.more() && held.isEmpty()) {
          catchUpTo = Math.min(catchUpTo, room.deliveredSeq); // the store has nothing more to catch up
        }
      } finally {
        room.lock.unlock();
      }
      if (!page.more() || page.messages().isEmpty()) {
        return read;
      }
    }
  }

  // A store that keeps only a room's latest messages may no longer have those right after `after`
  // (this node fell that far behind). They cannot be delivered, and waiting for them would stall the
  // room for good: go on from the first message the store or the hold has. Call under the lock.
  private void skipLost(long after, List<ChatMessage> page) {
    if (page.isEmpty() || page.get(0).seq() <= after + 1 || room.deliveredSeq != after) {
      return; // nothing lost, or deliveredSeq moved meanwhile and the next fill reads again
    }
    long resumeAt = held.isEmpty() ? page.get(0).seq() : Math.min(page.get(0).seq(), held.firstKey());
    LOG.log(System.Logger.Level.WARNING, room.name + " #" + (after + 1) + ".." + (resumeAt - 1)
        + " are no longer in the history store: not delivered on this server");
    room.deliveredSeq = resumeAt - 1;
    deliverHeldSuccessors();
  }

  private <T> T withLock(Supplier<T> read) {
    room.lock.lock();
    try {
      return read.get();
    } finally {
      room.lock.unlock();
    }
  }

  private static void run(Runnable action) {
    if (action != null) {
      action.run();
    }
  }

  /** A held message, and what runs once it is delivered. */
  private static final class Held {
    final ChatMessage message;
    Runnable whenDelivered;

    Held(ChatMessage message, Runnable whenDelivered) {
      this.message = message;
      this.whenDelivered = whenDelivered;
    }

    void alsoWhenDelivered(Runnable more) {
      if (more == null) {
        return;
      }
      Runnable first = whenDelivered;
      whenDelivered = first == null ? more : () -> {
        first.run();
        more.run();
      };
    }
  }
}
