package dev.natter.chat.inmemory;

import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.tck.cluster.CrossNodeChatTest;
import dev.natter.chat.tck.cluster.InProcessCluster;
import java.util.ArrayList;
import java.util.List;

/** The cross-node suite on an in-JVM cluster over the in-memory transport, one in-memory store shared. */
class InProcessCrossNodeTest extends CrossNodeChatTest {
  private final HistoryStore store = HistoryStore.inMemory();

  @Override
  protected List<Cluster> newClusterNodes(int count) {
    InProcessCluster cluster = track(InProcessCluster.create());
    List<Cluster> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      nodes.add(cluster.node("n" + i));
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
    return store;
  }
}
