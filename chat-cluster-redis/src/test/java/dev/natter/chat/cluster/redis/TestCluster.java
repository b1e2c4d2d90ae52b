package dev.natter.chat.cluster.redis;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.User;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Nodes of one cluster for one test, on a Redis of the test class, under a prefix of their own so the
 * tests of a class share nothing. Close it to close the nodes.
 */
final class TestCluster implements AutoCloseable {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private static final AtomicInteger MARKERS = new AtomicInteger();

  /** The room every node follows for {@link #marker}. */
  static final String MARKER_ROOM = "markers";

  private final RedisServer redis;
  private final UnaryOperator<RedisCluster.Builder> settings;
  final String prefix = "test" + CLUSTERS.incrementAndGet() + ":";
  private final List<RedisCluster> nodes = new ArrayList<>();
  private final Map<RedisCluster, Recorder> recorders = new HashMap<>();

  TestCluster(RedisServer redis) {
    this(redis, Duration.ofSeconds(1));
  }

  TestCluster(RedisServer redis, Duration timeout) {
    this(redis, builder -> builder.operationTimeout(timeout));
  }

  /** Nodes built with {@code settings} applied to their builder. */
  TestCluster(RedisServer redis, UnaryOperator<RedisCluster.Builder> settings) {
    this.redis = redis;
    this.settings = settings;
  }

  /** A started node, following {@link #MARKER_ROOM}. */
  RedisCluster node(String nodeId) {
    RedisCluster node = settings.apply(RedisCluster.builder(redis.uri()).nodeId(nodeId).prefix(prefix)).build();
    Recorder recorder = new Recorder();
    try {
      node.start(recorder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    nodes.add(node);
    recorders.put(node, recorder);
    node.bus().follow(MARKER_ROOM);
    return node;
  }

  Recorder events(RedisCluster node) {
    return recorders.get(node);
  }

  /**
   * Publishes a marker message from {@code from} and returns its mid. Anything Redis published before
   * (a script that returned, a publish followed by a round trip of the same node) reaches each other
   * node's listener before the marker.
   */
  static String marker(RedisCluster from) {
    String mid = "marker-" + MARKERS.incrementAndGet();
    from.bus().publish(message(MARKER_ROOM, 1, mid));
    return mid;
  }

  static ChatMessage message(String room, long seq, String mid) {
    return new ChatMessage(room, seq, mid, new User("ann", "Ann"), null, "text " + mid,
        Instant.ofEpochMilli(1_000 + seq), null);
  }

  /** Polls {@code condition} until it holds; fails after the deadline. */
  static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Recorder.DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      org.assertj.core.api.Assertions.assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
      Thread.sleep(10);
    }
  }

  @Override
  public void close() {
    nodes.forEach(RedisCluster::close);
  }
}
