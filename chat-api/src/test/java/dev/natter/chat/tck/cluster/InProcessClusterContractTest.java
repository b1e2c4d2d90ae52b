package dev.natter.chat.tck.cluster;

import dev.natter.chat.spi.cluster.Cluster;
import java.util.ArrayList;
import java.util.List;

/** The contract run on the {@link InProcessCluster}: several nodes over one in-memory directory. */
class InProcessClusterContractTest extends ClusterDirectoryContract {

  @Override
  protected Nodes newNodes(int count) {
    InProcessCluster hub = InProcessCluster.create();
    List<Cluster> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      nodes.add(hub.node("n" + i));
    }
    return Nodes.of(nodes, hub);
  }
}
