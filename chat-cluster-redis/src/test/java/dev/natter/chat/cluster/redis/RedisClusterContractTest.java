package dev.natter.chat.cluster.redis;

import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.tck.cluster.ClusterDirectoryContract;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract every {@link Cluster} passes, run on {@link RedisCluster} nodes: one Redis for the class,
 * and a prefix of its own for each deployment, so the deployments share nothing.
 */
class RedisClusterContractTest extends ClusterDirectoryContract {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();

  private static final AtomicInteger DEPLOYMENTS = new AtomicInteger();

  @Override
  protected Nodes newNodes(int count) {
    String prefix = "contract" + DEPLOYMENTS.incrementAndGet() + ":";
    List<Cluster> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      nodes.add(RedisCluster.builder(REDIS.uri()).nodeId("n" + i).prefix(prefix).build());
    }
    return Nodes.of(nodes, () -> {});
  }
}
