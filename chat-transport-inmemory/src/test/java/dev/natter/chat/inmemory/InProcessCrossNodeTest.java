package dev.natter.chat.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.tck.RawConnection;
import dev.natter.chat.tck.cluster.CrossNodeChatTest;
import dev.natter.chat.tck.cluster.InProcessCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cross-node suite on an in-JVM cluster over the in-memory transport, one in-memory store shared. */
class InProcessCrossNodeTest extends CrossNodeChatTest {
  private final HistoryStore store = HistoryStore.inMemory();
  private InProcessCluster cluster;

  @Test
  @DisplayName("a session kicked while away and resumed before the kick reached its node is told by the welcome")
  void kickedWhileAwayAndResumedBeforeTheKickArrived() {
    start(b -> b.presenceGrace(Duration.ofSeconds(30)));
    InMemoryClientTransport bobTransport = (InMemoryClientTransport) client(0);
    String token;
    try (RawConnection bob = RawConnection.open(bobTransport)) {
      token = bob.hello("bob").session();
      bob.send(new ClientFrame.Join("j", "general", null, null, null));
      bob.take(ServerFrame.Joined.class);
      bobTransport.faults().dropAll();
      bob.awaitClose();
    }
    awaitDetached("bob");
    cluster.presenceFaults().delay(Duration.ofSeconds(2));

    assertThat(node(2).kick("general", "bob")).isTrue();
    try (RawConnection bobAgain = RawConnection.open(client(0))) {
      bobAgain.send(new ClientFrame.Hello("h", 1, "bob", null, token));
      ServerFrame.Welcome welcome = bobAgain.take(ServerFrame.Welcome.class);

      assertThat(welcome.resumed()).isTrue();
      assertThat(welcome.rooms()).as("the directory's rooms, not this node's stale copy").isEmpty();
      bobAgain.send(new ClientFrame.Send("s", "general", null, "still in?", null));
      assertThat(((ServerFrame.ErrorReply) bobAgain.takeReply()).status().code()).isEqualTo(Code.NOT_MEMBER);
    } finally {
      cluster.presenceFaults().clear();
    }
  }

  private void awaitDetached(String userId) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (node(0).onlineUsers().stream().anyMatch(user -> user.id().equals(userId))) {
      assertThat(System.nanoTime() - deadline).as("%s still online", userId).isNegative();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // paces the polling
    }
  }

  @Override
  protected List<Cluster> newClusterNodes(int count) {
    cluster = track(InProcessCluster.create());
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
