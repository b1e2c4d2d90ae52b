package dev.natter.chat.inmemory.internal;

import dev.natter.chat.internal.SerialExecutor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One direction of an in-memory connection, the wire between a sender and its reader. A sent task waits
 * here for its delay and, while the reader is held (a client that stopped reading), for the hold to end;
 * then it runs on the reader's serial lane, in send order. A cut discards everything not yet run.
 *
 * <p>No thread waits: a delayed head is woken by the shared scheduler, a held lane by {@link #pump()}.
 */
final class Lane {
  private final SerialExecutor reader;
  private final ScheduledExecutorService scheduler;
  private final Supplier<Duration> delay;
  private final BooleanSupplier held;

  // Guarded by this.
  private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
  private ScheduledFuture<?> wakeUp;
  private volatile boolean cut;

  /**
   * @param delay each task's delay, asked once per task as it is sent
   * @param held whether the reader stopped reading; call {@link #pump()} when it reads again
   */
  Lane(Executor pool, ScheduledExecutorService scheduler, Supplier<Duration> delay, BooleanSupplier held) {
    this.reader = new SerialExecutor(pool);
    this.scheduler = scheduler;
    this.delay = delay;
    this.held = held;
  }

  /**
   * Sends a task down the lane: it runs on the reader's lane after every task sent before it, once its
   * delay passed and the reader reads. When the lane is cut first, {@code discard} runs instead, once.
   */
  void send(Runnable deliver, Runnable discard) {
    long delayNanos = delay.get().toNanos();
    synchronized (this) {
      if (!cut) {
        if (delayNanos == 0 && waiting.isEmpty() && !held.getAsBoolean()) {
          hand(deliver, discard); // the common case: nothing to wait for
          return;
        }
        long due = System.nanoTime() + delayNanos;
        Entry last = waiting.peekLast();
        if (last != null && last.due - due > 0) {
          due = last.due; // never overtake a frame sent earlier
        }
        waiting.add(new Entry(deliver, discard, due));
        pump();
        return;
      }
    }
    discard.run();
  }

  /** Runs {@code task} on the reader's lane now, ahead of anything still waiting; even after a cut. */
  void runNow(Runnable task) {
    reader.execute(task);
  }

  /** Hands the tasks that are due to the reader, unless it is held; call when the hold ends. */
  synchronized void pump() {
    if (cut || held.getAsBoolean()) {
      return;
    }
    long now = System.nanoTime();
    Entry head;
    while ((head = waiting.peek()) != null && head.due - now <= 0) {
      waiting.poll();
      hand(head.deliver, head.discard);
    }
    // Dues only grow along the queue, so a wake-up already set comes no later than the head's due.
    if (head != null && wakeUp == null) {
      wakeUp = scheduler.schedule(this::wake, head.due - now, TimeUnit.NANOSECONDS);
    }
  }

  // Runs deliver on the reader's lane, or discard if the lane was cut before the reader got to it.
  private void hand(Runnable deliver, Runnable discard) {
    reader.execute(() -> {
      if (cut) {
        discard.run();
      } else {
        deliver.run();
      }
    });
  }

  private synchronized void wake() {
    wakeUp = null;
    pump();
  }

  /**
   * Cuts the lane, as a cable: what waits and what the reader has not run yet is discarded, and later
   * sends are discarded at once. Idempotent.
   */
  void cut() {
    List<Entry> discarded;
    synchronized (this) {
      if (cut) {
        return;
      }
      cut = true;
      discarded = new ArrayList<>(waiting);
      waiting.clear();
      if (wakeUp != null) {
        wakeUp.cancel(false);
      }
    }
    discarded.forEach(entry -> entry.discard.run());
  }

  private record Entry(Runnable deliver, Runnable discard, long due) {}
}
