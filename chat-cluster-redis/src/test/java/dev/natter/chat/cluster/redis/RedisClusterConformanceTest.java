package dev.natter.chat.cluster.redis;

import dev.natter.chat.inmemory.InMemoryClientTransport;
import dev.natter.chat.inmemory.InMemoryServerTransport;
import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.tck.TransportConformanceTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conformance suite on three {@link RedisCluster} nodes on one Redis, over the in-memory transport
 * and sharing one in-memory store: clients are spread over the nodes, the server-side API runs on the
 * last one.
 */
class RedisClusterConformanceTest extends TransportConformanceTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();

  private static final AtomicInteger CLUSTERS = new AtomicInteger();

  @Override
  protected List<Cluster> newClusterNodes() {
    String prefix = "conformance" + CLUSTERS.incrementAndGet() + ":";
    return List.of(node("n1", prefix), node("n2", prefix), node("n3", prefix));
  }

  private final Map<String, HistoryStore> stores = new HashMap<>();

  /**
   * One store per name, shared by the nodes, that keeps every message of the suite: a node that falls
   * behind under load must find what it missed (the default in-memory store keeps 1,000 a room).
   */
  @Override
  protected HistoryStore openStore(String name) {
    return stores.computeIfAbsent(name, n -> HistoryStore.inMemory(1_000_000));
  }

  private static Cluster node(String nodeId, String prefix) {
    return RedisCluster.builder(REDIS.uri()).nodeId(nodeId).prefix(prefix).build();
  }

  @Override
  protected ServerTransport newServerTransport() {
    return InMemoryServerTransport.forName(InMemoryServerTransport.generateName());
  }

  @Override
  protected ClientTransport newClientTransport(ServerTransport server) {
    return InMemoryClientTransport.forName(((InMemoryServerTransport) server).name());
  }
}
