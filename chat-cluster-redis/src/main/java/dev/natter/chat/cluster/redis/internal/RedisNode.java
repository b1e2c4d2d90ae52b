package dev.natter.chat.cluster.redis.internal;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.spi.cluster.ClusterListener;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One node's link to Redis: the command connection the directories' scripts run on, the pub/sub
 * connection of the bus, and the thread the {@link ClusterListener} is called on. Not an API.
 *
 * <p>Threads: directory calls and {@code follow} run on their caller's thread and wait for Redis up to
 * the operation timeout. Everything Redis pushes (publications, reconnects) is handed from Lettuce's
 * threads to this node's single event thread, which decodes it and calls the listener: never a Netty
 * thread, never a directory caller's thread, and in the order the pub/sub connection received it.
 */
public final class RedisNode implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RedisNode.class.getName());
  private static final RedisCodec<String, byte[]> PUBSUB_CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  /** How often a resubscription after a reconnect is tried before the next reconnect has to do it. */
  private static final int RESUBSCRIBE_ATTEMPTS = 10;
  /** The error of a script that started after its deadline ({@code common.lua}). */
  private static final String LATE = "NATTER_LATE";
  /** The error of a script that found another Redis incarnation than the node's, or none ({@code common.lua}). */
  private static final String LOST = "NATTER_LOST";

  private enum State { NEW, STARTING, STARTED, CLOSING, CLOSED }

  private final URI uri;
  private final String nodeId;
  /** This run of the node: its id, '.', and a random incarnation. Owns its sessions; origin of its frames. */
  private final String instance;
  private final String prefix;
  private final Duration timeout;
  private final Lease lease;
  private final Scripts scripts = new Scripts();
  private final Holdings holdings = new Holdings();
  /** The Redis incarnation this node registered in (the key {@code incarnation}); "" before. */
  private volatile String incarnation = "";
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

  // Set by start, before STARTED.
  private volatile LettuceClients.OwnedClient client;
  private volatile StatefulRedisConnection<String, String> commands;
  private volatile StatefulRedisPubSubConnection<String, byte[]> pubsub;
  private volatile ScheduledExecutorService events;
  private volatile ClusterListener listener;

  /** The channels this node subscribes to; commands that change them are sent under its monitor. */
  private final Set<String> channels = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean pubsubLost = new AtomicBoolean();
  /** Redis' clock at a moment of this JVM's {@link System#nanoTime()}: for the scripts' deadlines. */
  private volatile RedisClock clock;

  private record RedisClock(long redisMicros, long nanos) {}

  private final LongAdder published = new LongAdder();
  private final LongAdder publishFailures = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder undecodable = new LongAdder();
  private final LongAdder resubscriptions = new LongAdder();

  /**
   * A node not yet connected; {@link #start} connects it.
   *
   * @param lease how long the node's lease lasts in Redis without a renewal
   * @param grace how long the sessions of a dead node wait for a resume before its reaper ends them
   */
  public RedisNode(URI uri, String nodeId, String prefix, Duration timeout, Duration lease, Duration grace) {
    this.uri = Objects.requireNonNull(uri, "uri");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    byte[] incarnation = new byte[6];
    new java.security.SecureRandom().nextBytes(incarnation);
    this.instance = nodeId + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(incarnation);
    this.lease = new Lease(this, Objects.requireNonNull(lease, "lease"), Objects.requireNonNull(grace, "grace"));
  }

  public String nodeId() {
    return nodeId;
  }

  /** This run of the node: the node id, '.', a random incarnation. */
  public String instance() {
    return instance;
  }

  public String prefix() {
    return prefix;
  }

  /** What this node registered in Redis: the directories and the bus keep it up to date. */
  Holdings holdings() {
    return holdings;
  }

  /** The Redis incarnation this node registered in. */
  String incarnation() {
    return incarnation;
  }

  /** Registered (again) in this Redis incarnation: the scripts check it from now on. */
  void incarnation(String incarnation) {
    this.incarnation = Objects.requireNonNull(incarnation, "incarnation");
  }

  // ---- lifecycle ----

  /**
   * Connects both connections, loads the scripts and subscribes to this node's channel.
   *
   * @throws IOException when Redis cannot be reached
   * @throws IllegalStateException when started before, or closed
   */
  public void start(ClusterListener listener) throws IOException {
    Objects.requireNonNull(listener, "listener");
    if (!state.compareAndSet(State.NEW, State.STARTING)) {
      throw new IllegalStateException("the Redis cluster node " + nodeId + " was already started: " + state.get());
    }
    this.listener = listener;
    events = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "natter-redis-" + nodeId + "-events");
      thread.setDaemon(true);
      return thread;
    });
    try {
      client = LettuceClients.create(uri, timeout);
      client.client().addListener(new ReconnectWatch());
      commands = client.client().connect();
      pubsub = client.client().connectPubSub(PUBSUB_CODEC);
      pubsub.addListener(new Receiver());
      scripts.loadAll(commands.sync());
      calibrate(commands.sync());
      subscribe(pubsub, Channels.node(prefix, instance), "follow this node's channel");
      subscribe(pubsub, Channels.control(prefix), "follow the control channel");
      lease.start();
    } catch (RuntimeException e) {
      release();
      state.set(State.CLOSED);
      throw new IOException("cannot join the Redis cluster at " + redacted(uri) + " as " + nodeId + ": " + e, e);
    }
    if (!state.compareAndSet(State.STARTING, State.STARTED)) {
      release(); // closed while starting
    }
  }

  /**
   * Gives up the lease (another node reaps the sessions left after the grace), disconnects and stops
   * the threads. Idempotent.
   */
  @Override
  public void close() {
    if (state.compareAndSet(State.STARTED, State.CLOSING)) {
      lease.release();
      state.set(State.CLOSED);
      release();
    } else {
      state.compareAndSet(State.NEW, State.CLOSED);
    }
  }

  /** Stops renewing the lease and claiming dead nodes, as a node cut from Redis for a while. For tests. */
  public void pauseLease() {
    lease.pause();
  }

  /** Renews the lease at once (or finds it gone, and recovers), and goes on renewing. For tests. */
  public void resumeLease() {
    lease.unpause();
  }

  /** Stops as a crashed node would: no word to Redis, the lease expires. For tests. */
  public void crash() {
    if (state.compareAndSet(State.STARTED, State.CLOSED)) {
      release();
    }
  }

  /**
   * @throws ChatException {@code internal} when the node may have lost its lease
   * @throws IllegalStateException when not started
   */
  public void checkWritable() {
    commands("store messages"); // the state checks
    lease.checkWritable();
  }

  private void release() {
    lease.stop();
    LettuceClients.OwnedClient owned = client;
    if (owned != null) {
      try {
        owned.close();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "closing the Redis client of " + nodeId + " failed", e);
      }
    }
    ScheduledExecutorService executor = events;
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  // ---- the directories' scripts and commands ----

  /**
   * Runs a script with this node's prefix and id before {@code args}.
   *
   * @param what what the caller does, for the error: "open a session"
   * @throws ChatException {@code internal} when Redis fails, times out or cannot be reached
   */
  List<Object> script(String what, Scripts.Op op, String... args) {
    return script(commands(what), incarnation, what, op, args);
  }

  /** {@link #script} in a Redis incarnation the node does not use yet: while it restores what it holds. */
  List<Object> script(String incarnation, String what, Scripts.Op op, String... args) {
    return script(commands(what), incarnation, what, op, args);
  }

  /** A script run while starting. */
  List<Object> startupScript(Scripts.Op op, String... args) {
    return script(commands.sync(), incarnation, "start", op, args);
  }

  private List<Object> script(RedisCommands<String, String> redis, String incarnation, String what, Scripts.Op op,
      String... args) {
    String[] argv = new String[args.length + 4];
    argv[0] = prefix;
    argv[1] = instance;
    argv[2] = Long.toString(deadline());
    argv[3] = op.checksIncarnation() ? incarnation : "";
    for (int i = 0; i < args.length; i++) {
      argv[i + 4] = Objects.requireNonNull(args[i], "argument");
    }
    try {
      return scripts.run(redis, op, argv);
    } catch (RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains(LATE)) {
        recalibrate(); // Redis was slow or paused, or its clock jumped
      } else if (message.contains(LOST)) {
        lease.recoverSoon(); // Redis lost its data: register again, and put back what this node holds
      }
      throw failed(what, e);
    }
  }

  /** Whether a failure, or one of its causes, is a script's finding that Redis lost its data. */
  static boolean isLost(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (!(cause instanceof ChatException) && String.valueOf(cause.getMessage()).contains(LOST)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The latest moment, in Redis' clock, at which a script sent now may still start: half the
   * operation timeout from now. A script that started by then answers before the caller gives up
   * (unless the answer itself takes half the timeout), so a call that failed with a timeout had no
   * effect, and a paused Redis does not run, when it goes on, the changes its callers were told failed.
   */
  private long deadline() {
    RedisClock base = clock;
    return base.redisMicros() + (System.nanoTime() - base.nanos()) / 1_000 + timeout.toNanos() / 2_000;
  }

  /** Reads Redis' clock ({@code TIME}) and ties it to this JVM's {@code nanoTime}. */
  private void calibrate(RedisCommands<String, String> redis) {
    long before = System.nanoTime();
    List<String> time = redis.time();
    clock = clockOf(time, before, System.nanoTime());
  }

  private static RedisClock clockOf(List<String> time, long before, long after) {
    long micros = Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
    return new RedisClock(micros, before + (after - before) / 2);
  }

  /** {@link #calibrate} without waiting: the answer sets the clock when it comes. */
  private void recalibrate() {
    try {
      long before = System.nanoTime();
      commands.async().time().whenComplete((time, e) -> {
        if (e == null) {
          clock = clockOf(time, before, System.nanoTime());
        } else {
          LOG.log(System.Logger.Level.DEBUG, () -> nodeId + " could not read Redis' clock: " + e);
        }
      });
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> nodeId + " could not read Redis' clock: " + e);
    }
  }

  /** Runs plain commands, with the errors of {@link #script}. */
  <T> T command(String what, java.util.function.Function<RedisCommands<String, String>, T> call) {
    RedisCommands<String, String> redis = commands(what);
    try {
      return call.apply(redis);
    } catch (RuntimeException e) {
      throw failed(what, e);
    }
  }

  private RedisCommands<String, String> commands(String what) {
    State now = state.get();
    if (now == State.NEW || now == State.STARTING) {
      throw new IllegalStateException("the Redis cluster node " + nodeId + " is not started");
    }
    if (now == State.CLOSED || (now == State.CLOSING && !what.equals("give up the lease"))) {
      throw new ChatException(ChatStatus.of(ChatStatus.Code.INTERNAL, "the cluster could not " + what + ": closed"));
    }
    return commands.sync();
  }

  /** The one error of a directory call that Redis failed: {@code internal}, the cause attached. */
  static ChatException failed(String what, Throwable cause) {
    if (cause instanceof ChatException chat) {
      return chat;
    }
    String why;
    if (String.valueOf(cause.getMessage()).contains(LOST)) {
      why = "Redis lost its data, and this node registers again";
    } else if (cause instanceof RedisCommandTimeoutException || cause instanceof TimeoutException
        || String.valueOf(cause.getMessage()).contains(LATE)) {
      why = "Redis did not answer in time";
    } else if (cause instanceof RedisConnectionException
        || (cause instanceof RedisException && (String.valueOf(cause.getMessage()).contains("rejected")
            || String.valueOf(cause.getMessage()).contains("Connection closed")))) {
      why = "Redis is unreachable";
    } else {
      why = "Redis failed";
    }
    return new ChatException(ChatStatus.of(ChatStatus.Code.INTERNAL, "the cluster could not " + what + ": " + why), cause);
  }

  // ---- the bus ----

  /**
   * Subscribes to a channel and returns once Redis confirmed it.
   *
   * @throws ChatException {@code internal} when Redis does not confirm within the operation timeout
   */
  void subscribe(String channel, String what) {
    subscribe(pubsub(what), channel, what);
  }

  private void subscribe(StatefulRedisPubSubConnection<String, byte[]> connection, String channel, String what) {
    RedisFuture<Void> subscribed;
    synchronized (channels) {
      channels.add(channel);
      subscribed = connection.async().subscribe(channel);
    }
    try {
      await(subscribed);
    } catch (RuntimeException e) {
      // The subscription may still happen late: take it back, so the node's state is what the caller saw.
      unsubscribe(channel);
      throw failed(what, e);
    }
  }

  /**
   * Unsubscribes from a channel without waiting; never throws (a failure is logged). Takes effect at
   * once all the same: what arrives on a channel no longer followed is dropped.
   */
  void unsubscribe(String channel) {
    try {
      StatefulRedisPubSubConnection<String, byte[]> connection = pubsub;
      if (connection == null || state.get() == State.CLOSED) {
        return;
      }
      RedisFuture<Void> unsubscribed;
      synchronized (channels) {
        channels.remove(channel);
        unsubscribed = connection.async().unsubscribe(channel);
      }
      unsubscribed.whenComplete((ignored, e) -> {
        if (e != null) {
          LOG.log(System.Logger.Level.DEBUG, () -> nodeId + " could not unsubscribe from " + channel + ": " + e);
        }
      });
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> nodeId + " could not unsubscribe from " + channel + ": " + e);
    }
  }

  /** Publishes a frame without waiting; a failure is counted and logged at debug level. */
  void publish(String channel, byte[] payload) {
    StatefulRedisConnection<String, String> connection = commands;
    if (connection == null || state.get() != State.STARTED) {
      publishFailed(channel, new IllegalStateException("not started, or closed"));
      return;
    }
    try {
      connection.async()
          .dispatch(CommandType.PUBLISH, new IntegerOutput<>(StringCodec.UTF8),
              new CommandArgs<>(StringCodec.UTF8).addKey(channel).add(payload))
          .whenComplete((receivers, e) -> {
            if (e == null) {
              published.increment();
            } else {
              publishFailed(channel, e);
            }
          });
    } catch (RuntimeException e) {
      publishFailed(channel, e);
    }
  }

  /** Tells this node's listener to catch up, on the event thread. */
  void catchUpLocally() {
    onEventThread(() -> {
      try {
        listener.catchUp();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, nodeId + ": the cluster listener failed to catch up", e);
      }
    });
  }

  /** Hands changes this node made without a caller (the reaper's) to its own listener, on the event thread. */
  void presenceLocally(List<dev.natter.chat.spi.cluster.PresenceChange> changes) {
    if (changes.isEmpty()) {
      return;
    }
    changes.forEach(holdings::change);
    onEventThread(() -> {
      for (dev.natter.chat.spi.cluster.PresenceChange change : changes) {
        try {
          listener.presenceArrived(change);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, nodeId + ": the cluster listener failed on " + change, e);
        }
      }
    });
  }

  /** Tells this node's listener, on the event thread, that these sessions of its no longer exist. */
  void sessionsLostLocally(List<String> sessionIds) {
    onEventThread(() -> {
      try {
        listener.sessionsLost(sessionIds);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, nodeId + ": the cluster listener failed on lost sessions", e);
      }
    });
  }

  /** Tells this node's listener, on the event thread, that a session of its was resumed elsewhere. */
  void takenOverLocally(String sessionId) {
    onEventThread(() -> {
      try {
        listener.sessionTakenOver(sessionId);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, nodeId + ": the cluster listener failed on a takeover", e);
      }
    });
  }

  /** Counts a publication lost before it reached Redis. */
  void publishFailed(String what, Throwable e) {
    publishFailures.increment();
    LOG.log(System.Logger.Level.DEBUG, () -> nodeId + " could not publish on " + what + ": " + e);
  }

  /** The node's counters, for diagnostics and tests. */
  public Stats stats() {
    return new Stats(published.sum(), publishFailures.sum(), received.sum(), undecodable.sum(), resubscriptions.sum(),
        lease.claimed(), lease.reaped(), lease.lost(), lease.dataLosses(), lease.sessionsLost(), lease.withdrawn());
  }

  /**
   * What the bus did since the node started.
   *
   * @param published publications Redis accepted
   * @param publishFailures publications lost because Redis failed or could not be reached
   * @param received publications of other nodes handed to the listener
   * @param undecodable publications dropped because they could not be decoded
   * @param resubscriptions reconnects of the pub/sub connection after which the node caught up
   * @param claimed dead nodes this node claimed
   * @param reaped dead nodes this node reaped (their sessions ended)
   * @param leaseLost renewals that found this node's lease gone while Redis kept its data
   * @param dataLosses times this node found that Redis had lost its data, and registered again what it holds
   * @param sessionsLost sessions of this node that had ended while it could not renew its lease
   * @param claimsWithdrawn dead nodes this node claimed that came back before it reaped them
   */
  public record Stats(long published, long publishFailures, long received, long undecodable, long resubscriptions,
      long claimed, long reaped, long leaseLost, long dataLosses, long sessionsLost, long claimsWithdrawn) {}

  private StatefulRedisPubSubConnection<String, byte[]> pubsub(String what) {
    commands(what); // the state checks
    return pubsub;
  }

  private void await(RedisFuture<?> future) {
    try {
      // Lettuce's own command timeout fails the future first; this bound is only a backstop.
      future.toCompletableFuture().get(2 * timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new RedisException(e.getCause());
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new RedisCommandTimeoutException("no confirmation within " + 2 * timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException("interrupted while waiting for Redis", e);
    }
  }

  private void onEventThread(Runnable task) {
    try {
      events.execute(task);
    } catch (RejectedExecutionException closing) {
      // Closed: nobody to tell.
    }
  }

  private void dispatch(String channel, byte[] payload) {
    if (!channels.contains(channel)) {
      // Unfollowed since Redis sent it (an UNSUBSCRIBE is not waited for): nobody here wants it.
      return;
    }
    BusFrame frame;
    try {
      frame = BusCodec.decode(payload);
    } catch (BusCodec.MalformedFrameException e) {
      undecodable.increment();
      LOG.log(System.Logger.Level.WARNING,
          nodeId + " dropped an undecodable publication on " + channel + " (the store repairs): " + e.getMessage());
      return;
    }
    if (frame.origin().equals(instance)) {
      return; // this node's own publication: it applied the change itself
    }
    received.increment();
    try {
      if (frame instanceof BusFrame.Message m) {
        listener.messageArrived(m.message());
      } else if (frame instanceof BusFrame.Presence p) {
        holdings.change(p.change());
        listener.presenceArrived(p.change());
      } else if (frame instanceof BusFrame.TakenOver t) {
        holdings.forget(List.of(t.sessionId()));
        listener.sessionTakenOver(t.sessionId());
      } else if (frame instanceof BusFrame.Disconnected d) {
        holdings.userEnded(d.userId());
        listener.userDisconnected(d.userId());
      } else if (frame instanceof BusFrame.NodeDied) {
        listener.catchUp();
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, nodeId + ": the cluster listener failed on " + frame, e);
    }
  }

  /**
   * After the pub/sub connection came back: subscribes again to every followed channel (Lettuce does
   * too; this waits for Redis' confirmation), then has the lease check Redis (did it lose its data, or
   * this node's lease?) and tell the listener to catch up on what the outage may have lost. Retried a
   * few times while the connection settles.
   */
  private void resubscribeAndCatchUp(int attempt) {
    if (state.get() != State.STARTED) {
      return;
    }
    RedisFuture<Void> subscribed;
    try {
      synchronized (channels) {
        subscribed = pubsub.async().subscribe(channels.toArray(String[]::new));
      }
      await(subscribed);
    } catch (RuntimeException e) {
      if (attempt < RESUBSCRIBE_ATTEMPTS) {
        try {
          events.schedule(() -> resubscribeAndCatchUp(attempt + 1), 50L * attempt, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
          // Closed meanwhile.
        }
        return;
      }
      LOG.log(System.Logger.Level.WARNING, nodeId + " could not resubscribe after a reconnect; catching up anyway", e);
    }
    resubscriptions.increment();
    recalibrate(); // perhaps another Redis, with another clock
    lease.afterReconnect();
  }

  private final class Receiver extends RedisPubSubAdapter<String, byte[]> {
    @Override
    public void message(String channel, byte[] message) {
      onEventThread(() -> dispatch(channel, message));
    }
  }

  private final class ReconnectWatch implements RedisConnectionStateListener {
    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
      if (connection == pubsub) {
        pubsubLost.set(true);
      }
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
      if (connection == pubsub && pubsubLost.getAndSet(false)) {
        LOG.log(System.Logger.Level.INFO, () -> nodeId + ": the pub/sub connection is back; catching up");
        onEventThread(() -> resubscribeAndCatchUp(1));
      }
    }
  }

  /** {@code uri} without its user information (a password). */
  public static String redacted(URI uri) {
    if (uri.getUserInfo() == null) {
      return uri.toString();
    }
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
    } catch (URISyntaxException e) {
      return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }
  }

  @Override
  public String toString() {
    return "node " + instance + " on " + redacted(uri) + " under " + prefix;
  }
}
