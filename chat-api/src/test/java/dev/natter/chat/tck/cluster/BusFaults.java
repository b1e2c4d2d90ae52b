package dev.natter.chat.tck.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The faults an {@link InProcessCluster} injects into one kind of bus traffic (messages, or presence
 * changes), as a lossy, slow or reordering pub/sub would: what the engine must repair from the store
 * and the membership directory.
 *
 * <p>Faults apply to <em>deliveries</em>: one message or change handed to one node. A publication that
 * two nodes follow is two deliveries, each dropped, delayed or held on its own. In order, a delivery is
 * dropped by {@link #dropNext}, else dropped by {@link #dropFraction}, else held by {@link #reorderNext},
 * else delayed by {@link #delay}. Session notices (taken over, disconnected) are never faulted.
 *
 * <p>Starts with no fault. Thread-safe; the setters return this object for chaining.
 */
public final class BusFaults {
  private final ScheduledExecutorService timer;

  // All guarded by this.
  private int dropNext;
  private double dropFraction;
  private Random random;
  private Duration delay = Duration.ZERO;
  private int reorderLeft;
  private final List<Runnable> held = new ArrayList<>();
  private long dropped;

  BusFaults(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Drops the next {@code count} deliveries (on top of any not dropped yet). */
  public synchronized BusFaults dropNext(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    dropNext += count;
    return this;
  }

  /**
   * Drops each delivery with probability {@code fraction}, drawn from a generator seeded with
   * {@code seed}: the same seed drops the same deliveries of the same traffic. 0 stops dropping.
   */
  public synchronized BusFaults dropFraction(double fraction, long seed) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction must be in [0, 1]: " + fraction);
    }
    dropFraction = fraction;
    random = fraction == 0 ? null : new Random(seed);
    return this;
  }

  /** Hands each delivery over {@code delay} late, until set back to {@link Duration#ZERO}. */
  public synchronized BusFaults delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    this.delay = delay;
    return this;
  }

  /**
   * Holds the next {@code count} deliveries, then hands them over in the reverse order once the last of
   * them came. {@link #clear()} hands over what is held if fewer came.
   */
  public BusFaults reorderNext(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    List<Runnable> release;
    synchronized (this) {
      reorderLeft = count;
      release = count == 0 ? takeHeld() : List.of();
    }
    release.forEach(Runnable::run);
    return this;
  }

  /** Removes every fault, and hands over at once, in reverse order, the deliveries held to reorder. */
  public void clear() {
    List<Runnable> release;
    synchronized (this) {
      dropNext = 0;
      dropFraction = 0;
      random = null;
      delay = Duration.ZERO;
      reorderLeft = 0;
      release = takeHeld();
    }
    release.forEach(Runnable::run);
  }

  /** How many deliveries were dropped so far. */
  public synchronized long dropped() {
    return dropped;
  }

  /** How many deliveries are held to be reordered. */
  public synchronized int held() {
    return held.size();
  }

  /**
   * Routes one delivery: {@code handOver} hands it to its node's listener executor; it never runs a
   * listener on the calling thread.
   */
  void route(Runnable handOver) {
    List<Runnable> release = List.of();
    Duration late;
    synchronized (this) {
      if (dropNext > 0) {
        dropNext--;
        dropped++;
        return;
      }
      if (random != null && random.nextDouble() < dropFraction) {
        dropped++;
        return;
      }
      if (reorderLeft > 0) {
        held.add(handOver);
        if (--reorderLeft == 0) {
          release = takeHeld();
        }
        late = null;
      } else {
        late = delay;
      }
    }
    if (late == null) {
      release.forEach(Runnable::run);
    } else if (late.isZero()) {
      handOver.run();
    } else {
      try {
        timer.schedule(handOver, late.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closed) {
        // The cluster closed: nobody left to deliver to.
      }
    }
  }

  private List<Runnable> takeHeld() {
    List<Runnable> release = new ArrayList<>(held);
    held.clear();
    Collections.reverse(release);
    return release;
  }
}
