package dev.natter.chat.cluster.redis;

import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.store.jdbc.PostgresServer;
import dev.natter.chat.tck.cluster.CrossNodeChatTest;
import dev.natter.chat.websocket.WebSocketClientTransport;
import dev.natter.chat.websocket.WebSocketServerTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cross-node suite on every real part: three {@link RedisCluster} nodes on one Redis, each with its
 * own {@code JdbcHistoryStore} in shared mode on one PostgreSQL database (a fresh one per test), each
 * serving WebSocket on a port of 127.0.0.1 of its own.
 */
class RedisPostgresWebSocketCrossNodeTest extends CrossNodeChatTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();

  private static final AtomicInteger CLUSTERS = new AtomicInteger();

  private final SharedPostgres stores = new SharedPostgres(POSTGRES);

  @Override
  protected List<Cluster> newClusterNodes(int count) {
    String prefix = "wscrossnode" + CLUSTERS.incrementAndGet() + ":";
    List<Cluster> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      nodes.add(RedisCluster.builder(REDIS.uri()).nodeId("n" + i).prefix(prefix).build());
    }
    return nodes;
  }

  @Override
  protected ServerTransport newServerTransport() {
    return WebSocketServerTransport.forPort(0).build();
  }

  @Override
  protected ClientTransport newClientTransport(ServerTransport server) {
    return WebSocketClientTransport.forUri(((WebSocketServerTransport) server).uri())
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Override
  protected HistoryStore openSharedStore() {
    return stores.open("shared");
  }
}
