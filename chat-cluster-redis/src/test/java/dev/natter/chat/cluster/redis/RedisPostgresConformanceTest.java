package dev.natter.chat.cluster.redis;

import dev.natter.chat.inmemory.InMemoryClientTransport;
import dev.natter.chat.inmemory.InMemoryServerTransport;
import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.store.jdbc.PostgresServer;
import dev.natter.chat.tck.TransportConformanceTest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conformance suite on the real parts: three {@link RedisCluster} nodes on one Redis, each with its
 * own {@code JdbcHistoryStore} in shared mode on one PostgreSQL database (a fresh one per test and store
 * name), over the in-memory transport. PostgreSQL numbers every message here, so the nodes' appends meet
 * in its row-locked counters rather than in one Java object.
 */
class RedisPostgresConformanceTest extends TransportConformanceTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();

  private static final AtomicInteger CLUSTERS = new AtomicInteger();

  private final SharedPostgres stores = new SharedPostgres(POSTGRES);

  @Override
  protected List<Cluster> newClusterNodes() {
    String prefix = "pgconformance" + CLUSTERS.incrementAndGet() + ":";
    return List.of(node("n1", prefix), node("n2", prefix), node("n3", prefix));
  }

  @Override
  protected HistoryStore openStore(String name) {
    return stores.open(name);
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
