package dev.natter.chat.cluster.redis;

import dev.natter.chat.inmemory.InMemoryClientTransport;
import dev.natter.chat.inmemory.InMemoryServerTransport;
import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.store.jdbc.PostgresServer;
import dev.natter.chat.tck.cluster.CrossNodeChatTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cross-node suite on the real parts: three {@link RedisCluster} nodes on one Redis, each with its
 * own {@code JdbcHistoryStore} in shared mode on one PostgreSQL database (a fresh one per test), over
 * the in-memory transport.
 */
class RedisPostgresCrossNodeTest extends CrossNodeChatTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();

  private static final AtomicInteger CLUSTERS = new AtomicInteger();

  private final SharedPostgres stores = new SharedPostgres(POSTGRES);

  @Override
  protected List<Cluster> newClusterNodes(int count) {
    String prefix = "pgcrossnode" + CLUSTERS.incrementAndGet() + ":";
    List<Cluster> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      nodes.add(RedisCluster.builder(REDIS.uri()).nodeId("n" + i).prefix(prefix).build());
    }
    return nodes;
  }

  @Override
  protected ServerTransport newServerTransport() {
    return InMemoryServerTransport.forName(InMemoryServerTransport.generateName());
  }

  @Override
  protected ClientTransport newClientTransport(ServerTransport server) {
    return InMemoryClientTransport.forName(((InMemoryServerTransport) server).name());
  }

  @Override
  protected HistoryStore openSharedStore() {
    return stores.open("shared");
  }
}
