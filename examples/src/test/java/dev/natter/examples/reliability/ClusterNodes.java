package dev.natter.examples.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.cluster.redis.RedisServer;
import dev.natter.chat.store.jdbc.JdbcHistoryStore;
import dev.natter.chat.store.jdbc.PostgresServer;
import dev.natter.chat.tck.reliability.TcpProxy;
import dev.natter.examples.testing.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster of {@code natter-server.jar} processes as docs/cluster.md §2 draws it: every node on one
 * PostgreSQL database (a schema of its own in the test's {@link PostgresServer}) and one Redis
 * ({@link RedisServer}), started with {@code --redis} and {@code --node-id}, each behind a
 * {@link TcpProxy} standing in for the load balancer: a client connects to a node's proxy, and when the
 * node dies the test {@linkplain #retarget retargets} that proxy to a live node, as a load balancer
 * whose health check failed would.
 *
 * <p>Anonymous names (no {@code --auth}, so no JWT secret to share), no send rate limit (the scenarios
 * send faster than a person), and the presence grace given. {@link #close()} kills whatever still runs.
 */
final class ClusterNodes implements AutoCloseable {
  private final String jdbcUrl;
  private final Map<String, ServerProcess> nodes = new LinkedHashMap<>();
  private final Map<String, TcpProxy> proxies = new LinkedHashMap<>();

  private ClusterNodes(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
  }

  /**
   * Starts the nodes {@code ids} (all at once, then waits for each to listen) on a new database of
   * {@code postgres} and on {@code redis}, each in a folder of its own under {@code dir}.
   */
  static ClusterNodes start(Path dir, PostgresServer postgres, RedisServer redis, Duration presenceGrace,
      List<String> ids) throws IOException, InterruptedException {
    ClusterNodes cluster = new ClusterNodes(postgres.newDatabaseUrl());
    try {
      for (String id : ids) {
        Path work = Files.createDirectories(dir.resolve(id));
        cluster.nodes.put(id, ServerProcess.start(work, "--port", "0",
            "--jdbc-url", cluster.jdbcUrl, "--jdbc-user", "postgres",
            "--redis", redis.uri().toString(), "--node-id", id,
            "--presence-grace-ms", Long.toString(presenceGrace.toMillis()),
            "--rate-limit", "off"));
      }
      for (Map.Entry<String, ServerProcess> node : cluster.nodes.entrySet()) {
        int port = node.getValue().port(); // waits for the "listening on" line
        // Printed to standard error before that line, but read from another pipe: perhaps not yet.
        String named = "node " + node.getKey() + " of the cluster on " + redis.uri();
        Scenario.await("the startup lines of " + node.getKey() + " name it and the cluster",
            () -> node.getValue().stderrSoFar().contains(named));
        cluster.proxies.put(node.getKey(), TcpProxy.to("127.0.0.1", port));
      }
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** The node's process. */
  ServerProcess node(String id) {
    ServerProcess node = nodes.get(id);
    if (node == null) {
      throw new IllegalArgumentException("no node " + id);
    }
    return node;
  }

  /** The port of the node's proxy, where its clients connect. */
  int proxyPort(String id) {
    return proxies.get(id).port();
  }

  /** The node's own port, without the proxy. */
  int port(String id) throws InterruptedException {
    return node(id).port();
  }

  /** Kills the node with SIGKILL and waits for the process to be gone. */
  void sigkill(String id) throws Exception {
    ServerProcess node = node(id);
    node.sigkill();
    assertThat(node.awaitExit()).as("killed").isNotZero();
  }

  /** Sends the proxy of node {@code from}'s new connections to node {@code to}. */
  void retarget(String from, String to) throws InterruptedException {
    proxies.get(from).retarget("127.0.0.1", port(to));
  }

  /** Resets every connection through node {@code id}'s proxy, as a network failure would. */
  void cutAll(String id) {
    proxies.get(id).cutAll();
  }

  /**
   * Stops the node with SIGTERM, its graceful shutdown (which also gives up its lease in Redis), and
   * checks it exits as the JVM does after one.
   */
  void sigterm(String id) throws Exception {
    ServerProcess node = node(id);
    node.sigterm();
    assertThat(node.awaitExit()).as("SIGTERM: the JVM exits 128 + 15 after its graceful shutdown; stderr:\n"
        + node.stderrSoFar()).isEqualTo(143);
  }

  /** The nodes' shared store, opened from the test: for the checker's snapshot. Close it. */
  JdbcHistoryStore openStore() {
    return JdbcHistoryStore.builderForUrl(jdbcUrl, "postgres", null).shared(true).open();
  }

  /** Every node's standard error so far, for a failure message. */
  String stderrOfAll() {
    StringBuilder out = new StringBuilder();
    nodes.forEach((id, node) -> out.append("---- ").append(id).append(" ----\n").append(node.stderrSoFar()));
    return out.toString();
  }

  /** Closes the proxies and kills the processes still running. */
  @Override
  public void close() {
    List<AutoCloseable> all = new ArrayList<>(proxies.values());
    all.addAll(nodes.values());
    for (AutoCloseable closeable : all) {
      try {
        closeable.close();
      } catch (Exception e) {
        // closing the rest anyway
      }
    }
  }
}
