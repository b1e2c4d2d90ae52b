package dev.natter.chat.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.tck.cluster.ClusterDirectoryContract;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract's single-node cases run on {@link Cluster#standalone()}. */
class StandaloneClusterContractTest extends ClusterDirectoryContract {

  @Override
  protected Nodes newNodes(int count) {
    return Nodes.of(List.of(Cluster.standalone()), () -> {});
  }

  @Override
  protected boolean multiNode() {
    return false;
  }

  @Test
  void aClusterOfOneIsTheSoleWriterAndNeedsNoSharedStore() {
    Cluster cluster = startNodes(1).get(0).cluster();
    assertThat(cluster.soleWriter()).isTrue();
    assertThat(cluster.requiresSharedStore()).isFalse();
  }
}
