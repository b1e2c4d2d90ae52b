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
 * </ul>
 *
 * <p><b>Not built yet:</b> node leases and the reaper of a dead node's sessions
 * ({@link #checkWritable()} never refuses), the re-registration after Redis lost its data, mutes
 * cached on the nodes. See docs/cluster.md §5 and §9.
 *
 * <p>Thread-safe. {@link #start} once, then {@link #close} (idempotent).
 */
public final class RedisCluster implements Cluster {
  /** The default {@linkplain Builder#prefix key prefix}. */
  public static final String DEFAULT_PREFIX = "natter:";
  /** The default {@linkplain Builder#operationTimeout operation timeout}. */
  public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(1);

  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final int MAX_PREFIX_LENGTH = 64;

  private final RedisNode node;
  private final SessionDirectory sessions;
  private final MembershipDirectory memberships;
  private final MessageBus bus;

  private RedisCluster(Builder builder) {
    this.node = new RedisNode(builder.redisUri, builder.nodeId, builder.prefix, builder.operationTimeout);
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

  /** Never refuses yet: leases are not built (see the class comment). */
  @Override
  public void checkWritable() {}

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

  /** Disconnects from Redis and stops the node's event thread. Idempotent. */
  @Override
  public void close() {
    node.close();
  }

  /** What the bus did since {@link #start}, for diagnostics. */
  public Stats stats() {
    RedisNode.Stats stats = node.stats();
    return new Stats(stats.published(), stats.publishFailures(), stats.received(), stats.undecodable(),
        stats.resubscriptions());
  }

  /**
   * Counters of the bus since the node started.
   *
   * @param published publications Redis accepted
   * @param publishFailures publications lost because Redis failed or could not be reached
   * @param received publications of other nodes handed to the listener
   * @param undecodable publications dropped because they could not be decoded
   * @param catchUps reconnects of the pub/sub connection after which the listener was told to catch up
   */
  public record Stats(long published, long publishFailures, long received, long undecodable, long catchUps) {}

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
     * The node, not yet connected: the server {@linkplain Cluster#start starts} it.
     *
     * @throws IllegalStateException when no {@link #nodeId} was given
     */
    public RedisCluster build() {
      if (nodeId == null) {
        throw new IllegalStateException("a RedisCluster needs a nodeId");
      }
      return new RedisCluster(this);
    }
  }
}
