package dev.natter.chat.inmemory;

import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.tck.TransportConformanceTest;
import dev.natter.chat.tck.cluster.InProcessCluster;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The conformance suite on three nodes of an in-JVM cluster sharing one in-memory store: clients are
 * spread over the nodes, the server-side API runs on the last one. What the engine does across nodes,
 * without Redis.
 */
class InProcessClusterConformanceTest extends TransportConformanceTest {

  @Override
  protected List<Cluster> newClusterNodes() {
    InProcessCluster cluster = track(InProcessCluster.create());
    return List.of(cluster.node("n1"), cluster.node("n2"), cluster.node("n3"));
  }

  private final Map<String, HistoryStore> stores = new HashMap<>();

  /**
   * One store per name, shared by the nodes, that keeps every message of the suite: a node that falls
   * far behind under load must find what it missed (the default in-memory store keeps 1,000 a room).
   */
  @Override
  protected HistoryStore openStore(String name) {
    return stores.computeIfAbsent(name, n -> HistoryStore.inMemory(1_000_000));
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
