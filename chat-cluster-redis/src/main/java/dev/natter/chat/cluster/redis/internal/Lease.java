package dev.natter.chat.cluster.redis.internal;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.spi.cluster.PresenceChange;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A node's lease in Redis, and the reaping of the nodes whose lease expired (docs/cluster.md §5 "A node
 * dies", §9). Not an API.
 *
 * <ul>
 *   <li><b>Renewal.</b> Every quarter lease the node extends its entry in {@code nodes} to now + lease,
 *       in Redis' clock. It counts its own lease from when it <em>sent</em> its last successful renewal,
 *       minus a fifth of the lease: past that it {@linkplain #checkWritable fences} (stores nothing),
 *       before Redis can declare it dead.
 *   <li><b>Claims.</b> Every fifth of a lease the node runs {@code claim}: each node whose lease expired
 *       (and each dead node whose reaper died) goes to exactly one caller. Its attached sessions become
 *       detached, and its death is announced on {@code ctl}: every node catches up.
 *   <li><b>Reaping.</b> A grace after its claim, the reaper ends the sessions the dead node still owns
 *       (reason {@code disconnect}); those resumed elsewhere meanwhile have another owner. The changes
 *       reach the other nodes on the rooms' channels, and the reaper's own listener directly.
 *   <li><b>Lost.</b> A renewal that finds the node gone (claimed after a long silence, or Redis lost its
 *       data) registers it again and counts it: the sessions it held in Redis may be gone.
 *   <li><b>Release.</b> A node that closes ends its lease at once, so that another node claims it and
 *       ends, after the grace, the sessions nobody resumed.
 * </ul>
 */
final class Lease {
  private static final System.Logger LOG = System.getLogger(Lease.class.getName());

  private final RedisNode node;
  private final Duration lease;
  private final Duration grace;
  private final long marginNanos;
  private final String leaseMillis;
  private final LongAdder claimed = new LongAdder();
  private final LongAdder reaped = new LongAdder();
  private final LongAdder lost = new LongAdder();
  private volatile long writableUntil;
  private volatile ScheduledExecutorService timer;

  Lease(RedisNode node, Duration lease, Duration grace) {
    this.node = node;
    this.lease = lease;
    this.grace = grace;
    this.marginNanos = lease.toNanos() / 5;
    this.leaseMillis = Long.toString(lease.toMillis());
  }

  /** Registers the node and starts renewing and claiming. */
  void start() {
    long sent = System.nanoTime();
    node.startupScript(Scripts.Op.REGISTER, leaseMillis);
    writableUntil = sent + lease.toNanos() - marginNanos;
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "natter-redis-" + node.nodeId() + "-lease");
      thread.setDaemon(true);
      return thread;
    });
    timer = executor;
    long renewEvery = Math.max(1, lease.toMillis() / 4);
    long claimEvery = Math.max(1, lease.toMillis() / 5);
    executor.scheduleWithFixedDelay(this::renew, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
    executor.scheduleWithFixedDelay(this::claim, claimEvery, claimEvery, TimeUnit.MILLISECONDS);
  }

  /**
   * @throws ChatException {@code internal} when the node's lease may have run out in Redis
   */
  void checkWritable() {
    if (System.nanoTime() - writableUntil > 0) {
      throw ChatStatus.of(ChatStatus.Code.INTERNAL,
          "this node could not renew its lease in Redis in time: it may have been declared dead, so it stores nothing")
          .asException();
    }
  }

  /** Stops renewing and ends the lease at once, so that another node reaps what is left. */
  void release() {
    stop();
    try {
      node.script("give up the lease", Scripts.Op.RELEASE);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, node + " could not give up its lease; it will expire", e);
    }
  }

  /** Stops renewing without a word to Redis: the lease expires as if the node died. */
  void stop() {
    ScheduledExecutorService executor = timer;
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  long claimed() {
    return claimed.sum();
  }

  long reaped() {
    return reaped.sum();
  }

  long lost() {
    return lost.sum();
  }

  private void renew() {
    long sent = System.nanoTime();
    try {
      if (Replies.number(node.script("renew the lease", Scripts.Op.RENEW, leaseMillis), 0) == 0) {
        lost.increment();
        LOG.log(System.Logger.Level.WARNING, node + " found its lease gone (it was claimed after a silence, or Redis"
            + " lost its data); registering again. Sessions it held in Redis may have ended.");
        node.script("register again", Scripts.Op.REGISTER, leaseMillis);
      }
      writableUntil = sent + lease.toNanos() - marginNanos;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> node + " could not renew its lease: " + e);
    }
  }

  private void claim() {
    List<Object> instances;
    try {
      instances = node.script("claim dead nodes", Scripts.Op.CLAIM, Long.toString(grace.toMillis() + lease.toMillis()));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> node + " could not look for dead nodes: " + e);
      return;
    }
    if (instances.isEmpty()) {
      return;
    }
    node.catchUpLocally(); // the dead node may have stored messages it never published
    for (Object instance : instances) {
      String dead = (String) instance;
      claimed.increment();
      LOG.log(System.Logger.Level.INFO, () -> node + " claimed the dead node " + dead + "; its sessions end in " + grace);
      try {
        timer.schedule(() -> reap(dead), grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        return; // this node is closing: the claim expires and another node takes it
      }
    }
  }

  private void reap(String dead) {
    try {
      List<Object> reply = node.script("reap " + dead, Scripts.Op.REAP, dead);
      List<PresenceChange> changes = Replies.changes(Replies.list(reply, 1));
      reaped.increment();
      LOG.log(System.Logger.Level.INFO,
          () -> node + " ended the " + Replies.number(reply, 0) + " sessions left of " + dead);
      node.presenceLocally(changes); // the other nodes heard them on the rooms' channels
    } catch (RuntimeException e) {
      // The claim expires and a node, perhaps this one, claims the dead node again.
      LOG.log(System.Logger.Level.WARNING, node + " could not reap " + dead + "; it will be claimed again", e);
    }
  }
}
