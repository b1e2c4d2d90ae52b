package dev.natter.chat.cluster.redis.internal;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.spi.cluster.PresenceChange;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A node's lease in Redis, the reaping of the nodes whose lease expired, and the node's recovery when
 * Redis forgot it (docs/cluster.md §5 "A node dies", §9). Not an API.
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
 *       reach the other nodes on the rooms' channels, and the reaper's own listener directly. A node
 *       that came back meanwhile withdrew the claim, and nothing is reaped.
 *   <li><b>Redis lost its data.</b> Every script checks the Redis incarnation the node registered in
 *       (the key {@code incarnation}, named by the first node); the renewal finds a missing or changed
 *       one at the latest, and so does any directory call first. The node then registers again and puts
 *       back what it holds ({@link Holdings}: its sessions, attached or not, their rooms and members,
 *       with versions past every one its replicas saw), announcing nothing. A lease later, once every
 *       live node had the time to do the same, it catches up: its replicas diff the rooms, and the
 *       members of nodes that died meanwhile leave.
 *   <li><b>Lease lost, Redis kept its data.</b> A renewal that finds the lease gone (the node was claimed
 *       after a silence) registers again and withdraws the claim. Its sessions still owned here are
 *       taken back (attached again where the engine holds them attached); those resumed elsewhere are
 *       taken over ({@code sessionTakenOver}); those the reaper ended are lost
 *       ({@code sessionsLost}: their connections close with 1001). Then it catches up.
 *   <li><b>Release.</b> A node that closes ends its lease at once, so that another node claims it and
 *       ends, after the grace, the sessions nobody resumed.
 * </ul>
 *
 * <p>Renewals, claims, reaps and recoveries run on the lease's one thread, one at a time. A recovery
 * that fails half-way (Redis unreachable again) is taken up again at the next renewal.
 */
final class Lease {
  private static final System.Logger LOG = System.getLogger(Lease.class.getName());
  /** How many sessions one restore script puts back: bounds the time Redis spends in one script. */
  private static final int RESTORE_BATCH = 200;
  /** How often the check after a reconnect is tried before the node catches up without it. */
  private static final int RECONNECT_CHECKS = 10;

  private enum Outcome { RENEWED, RECOVERED, DATA_LOST, FAILED }

  private final RedisNode node;
  private final Duration lease;
  private final Duration grace;
  private final long marginNanos;
  private final String leaseMillis;
  private final SecureRandom random = new SecureRandom();
  private final LongAdder claimed = new LongAdder();
  private final LongAdder reaped = new LongAdder();
  private final LongAdder lost = new LongAdder();
  private final LongAdder dataLosses = new LongAdder();
  private final LongAdder sessionsLost = new LongAdder();
  private final LongAdder withdrawn = new LongAdder();
  private final AtomicBoolean recoverySoon = new AtomicBoolean();
  /** For tests: renewals and claims stop, as in a node cut from Redis for a while. */
  private volatile boolean paused;
  private volatile long writableUntil;
  private volatile ScheduledExecutorService timer;

  // The lease thread's: a recovery under way, and whether it learned that Redis lost its data.
  private boolean recovering;
  private boolean recoveringLostData;
  /** Until when (nanoTime) the catch-up after a data loss is pending: a reconnect does not catch up before. */
  private long settlingUntil;
  private boolean settling;

  Lease(RedisNode node, Duration lease, Duration grace) {
    this.node = node;
    this.lease = lease;
    this.grace = grace;
    this.marginNanos = lease.toNanos() / 5;
    this.leaseMillis = Long.toString(lease.toMillis());
  }

  /** Registers the node, learning Redis' incarnation, and starts renewing and claiming. */
  void start() {
    long sent = System.nanoTime();
    List<Object> reply = node.startupScript(Scripts.Op.REGISTER, leaseMillis, randomId());
    node.incarnation(Replies.string(reply, 0));
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

  /**
   * A script found that Redis lost its data: check and recover on the lease's thread, soon (once for
   * any number of callers that found it meanwhile).
   */
  void recoverSoon() {
    if (recoverySoon.compareAndSet(false, true)) {
      onLeaseThread(() -> {
        recoverySoon.set(false);
        renewOrRecover();
      });
    }
  }

  /**
   * The pub/sub connection came back: check Redis first (it may have lost its data, or this node's
   * lease), then catch up. After a data loss the catch-up waits for the other nodes to register again:
   * the one the recovery arranged does it.
   */
  void afterReconnect() {
    onLeaseThread(() -> checkAfterReconnect(1));
  }

  private void checkAfterReconnect(int attempt) {
    Outcome outcome = renewOrRecover();
    if (outcome == Outcome.FAILED && attempt < RECONNECT_CHECKS) {
      // The command connection may not be back yet: ask again shortly.
      try {
        timer.schedule(() -> checkAfterReconnect(attempt + 1), 50L * attempt, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // Closed meanwhile.
      }
      return;
    }
    if ((outcome == Outcome.RENEWED || outcome == Outcome.FAILED) && !settling) {
      if (outcome == Outcome.FAILED) {
        LOG.log(System.Logger.Level.WARNING, node + " could not check its lease after a reconnect; catching up anyway");
      }
      node.catchUpLocally();
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

  long dataLosses() {
    return dataLosses.sum();
  }

  long sessionsLost() {
    return sessionsLost.sum();
  }

  long withdrawn() {
    return withdrawn.sum();
  }

  private void renew() {
    if (!paused) {
      renewOrRecover();
    }
  }

  /** For tests: stops renewing and claiming, as a node that cannot reach Redis; the connections stay. */
  void pause() {
    paused = true;
  }

  /** For tests: renews (or recovers) at once, then goes on as before {@link #pause}. */
  void unpause() {
    paused = false;
    onLeaseThread(this::renewOrRecover);
  }

  /** On the lease's thread: renews the lease, or registers again and restores what Redis forgot. */
  private Outcome renewOrRecover() {
    if (recovering) {
      return recover(); // one that failed half-way
    }
    long sent = System.nanoTime();
    try {
      if (Replies.number(node.script("renew the lease", Scripts.Op.RENEW, leaseMillis), 0) == 0) {
        lost.increment();
        LOG.log(System.Logger.Level.WARNING, node + " found its lease gone: it was declared dead after a silence."
            + " Registering again, and taking back the sessions not ended meanwhile.");
        return recover();
      }
      writableUntil = sent + lease.toNanos() - marginNanos;
      return Outcome.RENEWED;
    } catch (RuntimeException e) {
      if (RedisNode.isLost(e)) {
        return recover();
      }
      LOG.log(System.Logger.Level.DEBUG, () -> node + " could not renew its lease: " + e);
      return Outcome.FAILED;
    }
  }

  /**
   * Registers again and restores this node's sessions; then tells the listener what became of those
   * Redis no longer had, and catches up (a lease later after a data loss). The node's directory calls
   * go on failing in a new incarnation until the restore is done: they find everything there.
   */
  private Outcome recover() {
    recovering = true;
    long sent = System.nanoTime();
    String incarnation;
    Restored restored;
    try {
      List<Object> reply = node.script("register again", Scripts.Op.RECOVER, leaseMillis, randomId(), node.incarnation());
      incarnation = Replies.string(reply, 0);
      if (Replies.number(reply, 1) == 1) {
        recoveringLostData = true;
      }
      restored = restore(node.holdings().snapshot(), recoveringLostData, incarnation);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, node + " could not register again; retrying at the next renewal", e);
      return Outcome.FAILED;
    }
    boolean lostData = recoveringLostData;
    recovering = false;
    recoveringLostData = false;
    writableUntil = sent + lease.toNanos() - marginNanos;
    if (lostData) {
      dataLosses.increment();
    }
    node.incarnation(incarnation);
    node.holdings().forget(restored.lost());
    node.holdings().forget(restored.taken());
    if (!restored.lost().isEmpty()) {
      sessionsLost.add(restored.lost().size());
      node.sessionsLostLocally(restored.lost());
    }
    restored.taken().forEach(node::takenOverLocally);
    if (lostData) {
      LOG.log(System.Logger.Level.WARNING, () -> node + " found that Redis lost its data: registered again with "
          + restored.kept() + " sessions; catching up in " + lease + ", once the other nodes did the same");
      settling = true;
      settlingUntil = System.nanoTime() + lease.toNanos();
      try {
        timer.schedule(this::settled, lease.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // Closed meanwhile.
      }
      return Outcome.DATA_LOST;
    }
    LOG.log(System.Logger.Level.WARNING, () -> node + " registered again: took back " + restored.kept()
        + " sessions; " + restored.lost().size() + " had ended, " + restored.taken().size() + " were resumed elsewhere");
    node.catchUpLocally();
    return Outcome.RECOVERED;
  }

  /** A lease after a data loss: the nodes alive have registered again; diff every followed room. */
  private void settled() {
    if (settling && System.nanoTime() - settlingUntil >= 0) {
      settling = false;
      node.catchUpLocally();
    }
  }

  /** What {@link #restore} found. */
  private record Restored(int kept, List<String> lost, List<String> taken) {}

  /** Runs restore.lua over this node's sessions, a batch at a time; the versions go with the last batch. */
  private Restored restore(Holdings.Snapshot held, boolean lostData, String incarnation) {
    List<String> lostIds = new ArrayList<>();
    List<String> takenIds = new ArrayList<>();
    List<Holdings.Held> sessions = held.sessions();
    int from = 0;
    do {
      int to = Math.min(sessions.size(), from + RESTORE_BATCH);
      List<String> args = new ArrayList<>();
      args.add(lostData ? "1" : "0");
      args.add(Integer.toString(to - from));
      for (Holdings.Held session : sessions.subList(from, to)) {
        args.add(session.id());
        args.add(session.token());
        args.add(session.user().id());
        args.add(session.user().name());
        args.add(session.attached() ? "1" : "0");
        args.add(Integer.toString(session.rooms().size()));
        args.addAll(session.rooms().keySet());
      }
      boolean last = to == sessions.size();
      Map<String, Long> versions = new TreeMap<>();
      if (last) {
        versions.putAll(held.versions());
      }
      for (Holdings.Held session : sessions.subList(from, to)) {
        for (String room : session.rooms().keySet()) {
          versions.merge(room, held.versions().getOrDefault(room, session.rooms().get(room)), Math::max);
        }
      }
      args.add(Integer.toString(versions.size()));
      versions.forEach((room, version) -> {
        args.add(room);
        args.add(Long.toString(version));
      });
      List<Object> reply = node.script(incarnation, "restore the sessions of this node", Scripts.Op.RESTORE,
          args.toArray(String[]::new));
      lostIds.addAll(Replies.strings(Replies.list(reply, 0)));
      takenIds.addAll(Replies.strings(Replies.list(reply, 1)));
      from = to;
    } while (from < sessions.size());
    return new Restored(sessions.size() - lostIds.size() - takenIds.size(), lostIds, takenIds);
  }

  private void claim() {
    if (paused) {
      return;
    }
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
      if (Replies.number(reply, 0) < 0) {
        withdrawn.increment();
        LOG.log(System.Logger.Level.INFO, () -> node + ": " + dead + " came back before its reaping; nothing ended");
        return;
      }
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

  private void onLeaseThread(Runnable task) {
    ScheduledExecutorService executor = timer;
    if (executor == null) {
      return;
    }
    try {
      executor.execute(task);
    } catch (RejectedExecutionException closing) {
      // Closed: nothing to check.
    }
  }

  /** A random id for the Redis incarnation, should this node be the one to name it. */
  private String randomId() {
    byte[] id = new byte[12];
    random.nextBytes(id);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
  }
}
