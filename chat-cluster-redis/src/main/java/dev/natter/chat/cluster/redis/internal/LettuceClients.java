package dev.natter.chat.cluster.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Creates the Lettuce clients of the Redis cluster, each with the settings docs/cluster.md §8 demands
 * and with Netty threads of its own. Not an API.
 *
 * <ul>
 *   <li><b>{@code disconnectedBehavior(REJECT_COMMANDS)}.</b> By default Lettuce queues the commands
 *       issued while it is disconnected and sends them after the reconnect, possibly long after their
 *       caller gave up: a lease renewal or a {@code join} that runs late would change Redis behind the
 *       engine's back. Rejected at once instead, the caller fails with {@code internal} and knows where
 *       it stands.
 *   <li><b>A fixed command timeout</b>, the one given, both as Lettuce's {@link TimeoutOptions} (so the
 *       futures of the asynchronous API fail too, not only the synchronous calls) and as the
 *       {@link RedisURI}'s timeout. A Redis that accepts connections but does not answer (paused,
 *       overloaded) fails commands after that bound instead of holding the engine's lanes. It also
 *       bounds connecting ({@link SocketOptions#getConnectTimeout()}), so nothing waits on Redis for
 *       longer. Lettuce's maintenance notifications are off ({@link MaintNotificationsConfig#disabled()}):
 *       on a managed Redis that announces maintenance they would stretch the timeout to 10 s meanwhile,
 *       past a node's lease; a self-hosted Redis sends none, so they cost only a handshake command.
 *   <li><b>Auto-reconnect on</b> (Lettuce's default, stated here because the design depends on it): a
 *       dropped connection comes back by itself, and a pub/sub connection resubscribes its channels.
 *       The delay between attempts grows from nothing to at most {@link #MAX_RECONNECT_DELAY} rather
 *       than Lettuce's 30 s, so that a Redis back after an outage is used again well within a node's
 *       lease (docs/cluster.md §9).
 * </ul>
 */
public final class LettuceClients {
  /** The longest wait between two reconnect attempts. */
  public static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  private LettuceClients() {}

  /**
   * A client for the Redis at {@code redis} (a {@code redis://} or {@code rediss://} URI), with its own
   * {@link ClientResources}; no connection is opened yet. Close the result to release both.
   *
   * @param commandTimeout how long a command, or opening a connection, may take before it fails; positive
   */
  public static OwnedClient create(URI redis, Duration commandTimeout) {
    Objects.requireNonNull(redis, "redis");
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException("commandTimeout must be positive: " + commandTimeout);
    }
    RedisURI uri = RedisURI.create(redis);
    uri.setTimeout(commandTimeout);
    ClientResources resources = DefaultClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ZERO, MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
        .build();
    try {
      RedisClient client = RedisClient.create(resources, uri);
      client.setOptions(ClientOptions.builder()
          .autoReconnect(true)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
          .maintNotificationsConfig(MaintNotificationsConfig.disabled())
          .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
          .build());
      return new OwnedClient(client, resources);
    } catch (RuntimeException e) {
      resources.shutdown(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  /** A {@link RedisClient} together with the {@link ClientResources} only it uses: closed together. */
  public static final class OwnedClient implements AutoCloseable {
    private final RedisClient client;
    private final ClientResources resources;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OwnedClient(RedisClient client, ClientResources resources) {
      this.client = client;
      this.resources = resources;
    }

    public RedisClient client() {
      return client;
    }

    /**
     * Closes the client's connections, then stops its Netty threads, waiting for both (a few seconds at
     * most). Idempotent.
     */
    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      try {
        client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
      } finally {
        try {
          resources.shutdown(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .get(2 * SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
          throw new IllegalStateException("the Redis client's threads did not stop", e);
        }
      }
    }
  }
}
