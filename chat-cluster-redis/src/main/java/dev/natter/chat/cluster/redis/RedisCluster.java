package dev.natter.chat.cluster.redis;

import dev.natter.chat.cluster.redis.internal.RedisBus;
import dev.natter.chat.cluster.redis.internal.RedisMemberships;
import dev.natter.chat.cluster.redis.internal.RedisNode;
import dev.natter.chat.cluster.redis.internal.RedisSessions;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.spi.cluster.ClusterListener;
import dev.natter.chat.spi.cluster.MembershipDirectory;
import dev.natter.chat.spi.cluster.MessageBus;
import dev.natter.chat.spi.cluster.SessionDirectory;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One node of a Natter cluster over Redis: the {@link Cluster} SPI with its sessions, memberships and
 * mutes in Redis, and its live traffic on Redis pub/sub (docs/cluster.md). Every node of a cluster
 * uses the same Redis, the same {@linkplain Builder#prefix prefix} and a shared history store, under a
 * node id of its own.
 *
 * <pre>{@code
 * RedisCluster cluster = RedisCluster.builder(URI.create("redis://127.0.0.1:6379")).nodeId("n1").build();
 * ChatServer server = ChatServer.builder(transport)
 *     .historyStore(JdbcHistoryStore.builderForUrl(pgUrl, user, password).shared(true).open())
 *     .cluster(cluster)
 *     .build();
 * }</pre>
 *
 * <p><b>The contract.</b>
 *
 * <ul>
 *   <li>Every change of the directories is one Lua script, atomic in Redis: it changes the keys, gives
 *       each change of a room's members the room's next version, and publishes that change on the
 *       room's channel in the same step, so it is announced exactly once. The scripts' semantics are
 *       those of chat-api's in-memory directory ({@code Cluster.standalone()}).
 *   <li>A directory call waits for Redis up to the {@linkplain Builder#operationTimeout operation
 *       timeout}. When Redis fails, times out or cannot be reached the call throws a
 *       {@link dev.natter.chat.ChatException} with code {@code internal} (the change may still have been
 *       made, late); an exclusive name held elsewhere is {@code name_taken}. A command is never queued
 *       while Redis is unreachable.
 *   <li>{@link MessageBus#follow} returns once Redis confirmed the subscription; {@code unfollow}
 *       never throws; {@code publish} never blocks nor throws, a publication Redis could not take is
 *       counted ({@link #stats()}) and left to the store's repair.
 *   <li>The {@link ClusterListener} hears only other nodes' changes, on this node's own event thread:
 *       never a Lettuce or Netty thread, never the thread of a directory call. After the pub/sub
 *       connection was lost and came back it gets {@link ClusterListener#catchUp()}, once the
 *       subscriptions are confirmed again.
 *   <li>The history store must be shared ({@link #requiresSharedStore()}), and this node is not its
 *       sole writer ({@link #soleWriter()}).
 *   <li>Each node holds a {@linkplain Builder#lease lease} in Redis. When one dies, exactly one other
 *       node claims it, every node catches up, and after the {@linkplain Builder#presenceGrace presence
 *       grace} the sessions not resumed elsewhere end (reason {@code disconnect}), announced once. A
 *       node that cannot renew its lease in time stops storing ({@link #checkWritable()}).
 *   <li>Redis may lose its data (restarted without persistence): the node finds out at its next renewal,
 *       or at its next directory call (which fails with {@code internal}), from the Redis incarnation
 *       its scripts check. It then registers again its lease and the sessions it holds, with their rooms
 *       and a membership version past any its replicas saw, announcing nothing; a lease later it tells
 *       the listener to catch up, and the members of nodes that died meanwhile leave there. Mutes are
 *       lost with the data.
 *   <li>A node declared dead while alive (it could not renew for a lease, Redis kept its data) takes
 *       back, at its next renewal, its sessions its reaper did not end yet; it reports those resumed
 *       elsewhere ({@link ClusterListener#sessionTakenOver}) and those ended
 *       ({@link ClusterListener#sessionsLost}), then catches up.
 * </ul>
 *
 * <p><b>Not built yet:</b> publishing the {@code seq} tips a node could not publish, mutes cached on the
 * nodes. See docs/cluster.md §4, §5, §9.
 *
 * <p>Thread-safe. {@link #start} once, then {@link #close} (idempotent).
 */
public final class RedisCluster implements Cluster {
  /** The default {@linkplain Builder#prefix key prefix}. */
  public static final String DEFAULT_PREFIX = "natter:";
  /** The default {@linkplain Builder#operationTimeout operation timeout}. */
  public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(1);
  /** The default {@linkplain Builder#lease lease}. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(5);
  /** The default {@linkplain Builder#presenceGrace presence grace}, the server's default too. */
  public static final Duration DEFAULT_PRESENCE_GRACE = Duration.ofSeconds(5);

  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final int MAX_PREFIX_LENGTH = 64;

  private final RedisNode node;
  private final SessionDirectory sessions;
  private final MembershipDirectory memberships;
  private final MessageBus bus;

  private RedisCluster(Builder builder) {
    this.node = new RedisNode(builder.redisUri, builder.nodeId, builder.prefix, builder.operationTimeout,
        builder.lease, builder.presenceGrace);
    this.sessions = new RedisSessions(node);
    this.memberships = new RedisMemberships(node);
    this.bus = new RedisBus(node);
  }

  /**
   * A builder for a node of the cluster on the Redis at {@code redisUri}.
   *
   * @param redisUri {@code redis://host:port} or {@code rediss://host:port} (TLS), with an optional
   *     password ({@code redis://:password@host:port}) and database ({@code /2})
   * @throws IllegalArgumentException when the URI is not a {@code redis} or {@code rediss} URI
   */
  public static Builder builder(URI redisUri) {
    return new Builder(redisUri);
  }

  /**
   * Connects to Redis and starts hearing the other nodes.
   *
   * @throws IOException when Redis cannot be reached (within the operation timeout)
   * @throws IllegalStateException when started before
   */
  @Override
  public void start(ClusterListener listener) throws IOException {
    node.start(listener);
  }

  @Override
  public String nodeId() {
    return node.nodeId();
  }

  /** False: other nodes append to the same store. */
  @Override
  public boolean soleWriter() {
    return false;
  }

  /** True: every node reads and numbers messages in one shared store. */
  @Override
  public boolean requiresSharedStore() {
    return true;
  }

  /**
   * Refuses once this node could not renew its lease for most of a lease: Redis may have declared it
   * dead and reaped its sessions, so it must not store messages (docs/cluster.md §9). Works again after
   * the next successful renewal.
   *
   * @throws dev.natter.chat.ChatException {@code internal} then, or once closed
   * @throws IllegalStateException before {@link #start}
   */
  @Override
  public void checkWritable() {
    node.checkWritable();
  }

  @Override
  public SessionDirectory sessions() {
    return sessions;
  }

  @Override
  public MembershipDirectory memberships() {
    return memberships;
  }

  @Override
  public MessageBus bus() {
    return bus;
  }

  /**
   * Leaves the cluster: gives up the lease at once (another node ends, after the presence grace, the
   * sessions nobody resumed elsewhere), disconnects from Redis and stops the node's threads. Idempotent.
   */
  @Override
  public void close() {
    node.close();
  }

  /** Stops as a crashed node would: no word to Redis, so its lease expires. For tests. */
  void crash() {
    node.crash();
  }

  /**
   * Stops renewing the lease and claiming dead nodes while the connections stay, as a node cut from
   * Redis (or frozen) for a while would: after a lease the other nodes declare it dead. For tests.
   */
  void pauseLease() {
    node.pauseLease();
  }

  /** Renews at once (finding the lease gone if it was declared dead meanwhile), then as usual. For tests. */
  void resumeLease() {
    node.resumeLease();
  }

  /** What the node did since {@link #start}, for diagnostics. */
  public Stats stats() {
    RedisNode.Stats stats = node.stats();
    return new Stats(stats.published(), stats.publishFailures(), stats.received(), stats.undecodable(),
        stats.resubscriptions(), stats.claimed(), stats.reaped(), stats.leaseLost(), stats.dataLosses(),
        stats.sessionsLost(), stats.claimsWithdrawn());
  }

  /**
   * Counters of the bus since the node started.
   *
   * @param published publications Redis accepted
   * @param publishFailures publications lost because Redis failed or could not be reached
   * @param received publications of other nodes handed to the listener
   * @param undecodable publications dropped because they could not be decoded
   * @param catchUps reconnects of the pub/sub connection after which the listener was told to catch up
   *     (a lease later when Redis had lost its data)
   * @param nodesClaimed dead nodes this node claimed (it then reaps them)
   * @param nodesReaped dead nodes whose remaining sessions this node ended
   * @param leaseLost renewals that found this node's lease gone while Redis kept its data (it was claimed
   *     after a silence); the node registered again and took back its sessions not ended meanwhile
   * @param dataLosses times this node found that Redis had lost its data, and registered again its lease,
   *     sessions and memberships
   * @param sessionsLost sessions of this node that the cluster ended while the node could not renew its
   *     lease; their connections were closed with 1001
   * @param claimsWithdrawn dead nodes this node claimed that came back before their reaping: nothing ended
   */
  public record Stats(long published, long publishFailures, long received, long undecodable, long catchUps,
      long nodesClaimed, long nodesReaped, long leaseLost, long dataLosses, long sessionsLost,
      long claimsWithdrawn) {}

  @Override
  public String toString() {
    return "RedisCluster[" + node + "]";
  }

  /** Settings of a {@link RedisCluster}; {@link #nodeId} is required. */
  public static final class Builder {
    private final URI redisUri;
    private String nodeId;
    private String prefix = DEFAULT_PREFIX;
    private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;
    private Duration lease = DEFAULT_LEASE;
    private Duration presenceGrace = DEFAULT_PRESENCE_GRACE;

    private Builder(URI redisUri) {
      Objects.requireNonNull(redisUri, "redisUri");
      String scheme = redisUri.getScheme() == null ? "" : redisUri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("redis") && !scheme.equals("rediss")) {
        throw new IllegalArgumentException("not a redis:// or rediss:// URI: " + RedisNode.redacted(redisUri));
      }
      if (redisUri.getHost() == null) {
        throw new IllegalArgumentException("the Redis URI names no host: " + RedisNode.redacted(redisUri));
      }
      this.redisUri = redisUri;
    }

    /**
     * This node's id, unique among the running nodes of the cluster: 1 to 32 of {@code A-Z a-z 0-9 _ -}.
     * Required.
     */
    public Builder nodeId(String nodeId) {
      Objects.requireNonNull(nodeId, "nodeId");
      if (!NODE_ID.matcher(nodeId).matches()) {
        throw new IllegalArgumentException("a node id is 1 to 32 of A-Z a-z 0-9 _ -: " + nodeId);
      }
      this.nodeId = nodeId;
      return this;
    }

    /**
     * What every key and channel of the cluster starts with; default {@value #DEFAULT_PREFIX}. The
     * prefix names the cluster: nodes with the same prefix on the same Redis are one cluster, so two
     * clusters sharing a Redis take two prefixes ({@code natter:prod:}, {@code natter:staging:}).
     * 1 to 64 characters, no space or control character.
     */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.isEmpty() || prefix.length() > MAX_PREFIX_LENGTH
          || prefix.codePoints().anyMatch(cp -> Character.isWhitespace(cp) || Character.isISOControl(cp))) {
        throw new IllegalArgumentException("a prefix is 1 to 64 characters, no space or control character: " + prefix);
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * How long a call waits for Redis before it fails with {@code internal}; also the bound on
     * connecting. Default 1 second.
     */
    public Builder operationTimeout(Duration operationTimeout) {
      Objects.requireNonNull(operationTimeout, "operationTimeout");
      if (operationTimeout.isNegative() || operationTimeout.isZero()) {
        throw new IllegalArgumentException("operationTimeout must be positive: " + operationTimeout);
      }
      this.operationTimeout = operationTimeout;
      return this;
    }

    /**
     * How long this node stays alive in Redis without renewing its lease; default 5 seconds. It renews
     * every quarter lease, stops storing messages ({@link #checkWritable}) after four fifths of a lease
     * without a successful renewal, and looks for dead nodes every fifth of a lease. A node that died is
     * noticed between one lease and 1.2 leases after its last renewal. At least twice the operation
     * timeout.
     */
    public Builder lease(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.isNegative() || lease.isZero()) {
        throw new IllegalArgumentException("lease must be positive: " + lease);
      }
      this.lease = lease;
      return this;
    }

    /**
     * How long the sessions of a dead node wait for a resume on another node before the node that
     * claimed it ends them (reason {@code disconnect}); default 5 seconds. Set it to the server's
     * {@link dev.natter.chat.Limits#presenceGrace()}: the cluster is not told it.
     */
    public Builder presenceGrace(Duration presenceGrace) {
      Objects.requireNonNull(presenceGrace, "presenceGrace");
      if (presenceGrace.isNegative()) {
        throw new IllegalArgumentException("presenceGrace must not be negative: " + presenceGrace);
      }
      this.presenceGrace = presenceGrace;
      return this;
    }

    /**
     * The node, not yet connected: the server {@linkplain Cluster#start starts} it.
     *
     * @throws IllegalStateException when no {@link #nodeId} was given, or the lease is shorter than twice
     *     the operation timeout
     */
    public RedisCluster build() {
      if (nodeId == null) {
        throw new IllegalStateException("a RedisCluster needs a nodeId");
      }
      if (lease.compareTo(operationTimeout.multipliedBy(2)) < 0) {
        throw new IllegalStateException(
            "the lease (" + lease + ") must be at least twice the operation timeout (" + operationTimeout + ")");
      }
      return new RedisCluster(this);
    }
  }
}
