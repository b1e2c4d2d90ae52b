package dev.natter.chat.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.cluster.redis.internal.LettuceClients;
import dev.natter.chat.cluster.redis.internal.LettuceClients.OwnedClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@link RedisServer} fixture and the client settings of {@link LettuceClients}, against a real
 * Redis: what the cluster will rely on when Redis restarts, hangs or goes away.
 */
class RedisServerTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
  /** A bound on waiting for what must happen soon; generous, for a loaded machine. */
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private OwnedClient redis;

  @BeforeEach
  void createClient() {
    redis = LettuceClients.create(REDIS.uri(), COMMAND_TIMEOUT);
  }

  @AfterEach
  void closeClient() {
    redis.close();
  }

  @Test
  void theUriNamesTheLoopbackAndThePort() {
    assertThat(REDIS.uri()).hasToString("redis://127.0.0.1:" + REDIS.port());
  }

  @Test
  void aConnectionSetsAndGets() {
    try (StatefulRedisConnection<String, String> connection = redis.client().connect()) {
      RedisCommands<String, String> commands = connection.sync();
      assertThat(commands.set("greeting", "hello")).isEqualTo("OK");
      assertThat(commands.get("greeting")).isEqualTo("hello");
    }
  }

  @Test
  void aRestartLosesTheDataAndANewConnectionWorks() {
    try (StatefulRedisConnection<String, String> connection = redis.client().connect()) {
      connection.sync().set("before-restart", "1");
    }

    REDIS.restart();

    try (StatefulRedisConnection<String, String> connection = redis.client().connect()) {
      RedisCommands<String, String> commands = connection.sync();
      assertThat(commands.get("before-restart")).isNull();
      assertThat(commands.set("after-restart", "2")).isEqualTo("OK");
      assertThat(commands.get("after-restart")).isEqualTo("2");
    }
  }

  @Test
  void aStoppedServerRefusesConnectionsUntilStartedAgainEmptyOnItsPort() {
    RedisServer own = new RedisServer().start();
    try (OwnedClient client = LettuceClients.create(own.uri(), COMMAND_TIMEOUT)) {
      int port = own.port();
      try (StatefulRedisConnection<String, String> connection = client.client().connect()) {
        connection.sync().set("before-stop", "1");
      }

      own.stop();

      assertThatThrownBy(() -> rawConnect(port)).isInstanceOf(ConnectException.class);
      own.startAgain();
      assertThat(own.port()).isEqualTo(port);
      try (StatefulRedisConnection<String, String> connection = client.client().connect()) {
        assertThat(connection.sync().get("before-stop")).isNull();
      }
    } finally {
      own.close();
    }
  }

  @Test
  void aCommandToAPausedServerTimesOutAndWorksAgainAfterResume() {
    try (StatefulRedisConnection<String, String> connection = redis.client().connect()) {
      RedisCommands<String, String> commands = connection.sync();
      commands.set("paused", "no");

      REDIS.pause();
      try {
        assertThatThrownBy(() -> commands.get("paused")).isInstanceOf(RedisCommandTimeoutException.class);
      } finally {
        REDIS.resume();
      }

      // The late answer to the timed-out GET goes to that command, not to the next one.
      assertThat(commands.set("paused", "over")).isEqualTo("OK");
      assertThat(commands.get("paused")).isEqualTo("over");
    }
  }

  @Test
  void aClosedServerRefusesConnectionsAndCommandsAreRejectedNotQueued() throws InterruptedException {
    RedisServer own = new RedisServer().start();
    try (OwnedClient client = LettuceClients.create(own.uri(), COMMAND_TIMEOUT)) {
      StatefulRedisConnection<String, String> connection = client.client().connect();
      assertThat(connection.sync().ping()).isEqualTo("PONG");

      own.close();

      assertThatThrownBy(() -> rawConnect(own.port())).isInstanceOf(ConnectException.class);
      assertThatThrownBy(() -> client.client().connect()).isInstanceOf(RedisConnectionException.class);
      awaitCondition(() -> !connection.isOpen(), "Lettuce to see its connection lost");
      // REJECT_COMMANDS: the command fails now rather than wait in a queue for a reconnect (and time out).
      assertThatThrownBy(() -> connection.sync().ping())
          .isInstanceOf(RedisException.class)
          .isNotInstanceOf(RedisCommandTimeoutException.class)
          .hasMessageContaining("rejected");
    } finally {
      own.close();
    }
  }

  @Test
  void aSubscriberReceivesWhatAnotherConnectionPublishesAndIsResubscribedAfterARestart()
      throws InterruptedException {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    try (StatefulRedisPubSubConnection<String, String> subscriber = redis.client().connectPubSub();
        StatefulRedisConnection<String, String> publisher = redis.client().connect()) {
      subscriber.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          received.add(channel + ": " + message);
        }
      });
      subscriber.sync().subscribe("natter:test:r:general");

      assertThat(publisher.sync().publish("natter:test:r:general", "before")).isEqualTo(1);
      assertThat(received.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
          .isEqualTo("natter:test:r:general: before");

      REDIS.restart();

      // Nobody resubscribes but Lettuce: publish until the subscriber is back and receives one.
      String message = null;
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      for (int attempt = 1; message == null && System.nanoTime() - deadline < 0; attempt++) {
        try {
          publisher.sync().publish("natter:test:r:general", "after " + attempt);
        } catch (RedisException e) {
          // The publisher is reconnecting too; its commands are rejected meanwhile.
        }
        message = received.poll(50, TimeUnit.MILLISECONDS);
      }
      assertThat(message).as("a message published after the restart").startsWith("natter:test:r:general: after ");
    }
  }

  private static void rawConnect(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
    }
  }

  private static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
      Thread.sleep(10);
    }
  }
}
