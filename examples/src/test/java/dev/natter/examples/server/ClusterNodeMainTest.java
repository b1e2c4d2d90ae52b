package dev.natter.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.cluster.redis.RedisServer;
import dev.natter.chat.store.jdbc.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ChatServerMain#run} as a node of a cluster ({@code --redis}, {@code --node-id}), in process, on
 * a PostgreSQL and a Redis of the test's own: what it says when it starts, and when Redis cannot be
 * reached. The fault scenarios (reliability/ClusterNodeKilledIT, RedisRestartedIT) run three such nodes
 * as processes. Skipped without PostgreSQL or Redis, as there.
 */
class ClusterNodeMainTest {
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();
  @RegisterExtension static final RedisServer REDIS = new RedisServer();

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void aNodeSaysWhichNodeOfWhichClusterItIsAndStopsWhenInterrupted() throws Exception {
    String database = POSTGRES.newDatabaseUrl();
    AtomicInteger status = new AtomicInteger(-1);
    Thread server = new Thread(() -> status.set(run("--port", "0", "--jdbc-url", database,
        "--jdbc-user", "postgres", "--redis", REDIS.uri().toString(), "--node-id", "n1")), "cluster-node-main");
    server.start();
    try {
      await("the listening line", () -> out().startsWith("listening on ws://127.0.0.1:"));
    } finally {
      server.interrupt(); // run closes the server, leaving the cluster, and returns
      server.join(TIMEOUT.toMillis());
    }

    assertThat(server.isAlive()).as("run returned").isFalse();
    assertThat(status.get()).isZero();
    assertThat(err())
        .contains("natter-server: history in " + database + ", shared by the cluster's nodes")
        .contains("natter-server: node n1 of the cluster on " + REDIS.uri() + " (key prefix natter:)");
  }

  @Test
  void aRedisThatCannotBeReachedExitsWithStatusOneNamingItWithoutItsPassword() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    int status = run("--port", "0", "--jdbc-url", POSTGRES.newDatabaseUrl(), "--jdbc-user", "postgres",
        "--redis", "redis://:r3dis-pass@127.0.0.1:" + closedPort, "--node-id", "n1");

    assertThat(status).isEqualTo(1);
    assertThat(err())
        .startsWith("natter-server: cannot start: cannot join the Redis cluster at redis://127.0.0.1:"
            + closedPort + " as n1")
        .doesNotContain("r3dis-pass");
    assertThat(out()).isEmpty();
  }

  private int run(String... args) {
    PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    return ChatServerMain.run(args, Map.of(), outStream, errStream);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + TIMEOUT + ": " + what);
      }
      Thread.sleep(10); // polling a condition, with a deadline
    }
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
