package dev.natter.chat.cluster.redis;

import static dev.natter.chat.cluster.redis.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatClient;
import dev.natter.chat.Presence;
import dev.natter.chat.ReconnectPolicy;
import dev.natter.chat.User;
import dev.natter.chat.Welcome;
import dev.natter.chat.inmemory.InMemoryClientTransport;
import dev.natter.chat.inmemory.InMemoryServerTransport;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.tck.Deployment;
import dev.natter.chat.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three servers on {@link RedisCluster} nodes when Redis loses their state: restarted empty (docs/cluster.md
 * §9 "Redis restarted empty"), or kept while a node was declared dead ("Redis back, same data"). The
 * clients are on the in-memory transport, the nodes share one in-memory store; short leases, so that a
 * test waits a second or two.
 */
class RedisDataLossTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private static final User ALICE = new User("alice", "alice");
  private static final User BOB = new User("bob", "bob");
  private static final User CAROL = new User("carol", "carol");

  private final HistoryStore store = HistoryStore.inMemory();
  private final List<RedisCluster> nodes = new ArrayList<>();
  private final List<CatchUpWatch> watches = new ArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private Deployment deployment;

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    if (REDIS.port() > 0) {
      try {
        REDIS.startAgain(); // a test that failed while Redis was down
      } catch (IllegalStateException running) {
        // Running, as it should be.
      }
    }
  }

  @Test
  void aRedisRestartedEmptyKeepsEverySessionAndAnnouncesNothing() {
    start(Duration.ofSeconds(5));
    RecordingListener aliceHeard = new RecordingListener();
    RecordingListener bobHeard = new RecordingListener();
    RecordingListener carolHeard = new RecordingListener();
    ChatClient alice = connect(0, "alice", aliceHeard);
    ChatClient bob = connect(1, "bob", bobHeard);
    ChatClient carol = connect(2, "carol", carolHeard);
    everyoneJoins(List.of(alice, bob, carol), List.of(aliceHeard, bobHeard, carolHeard));
    String aliceToken = alice.welcome().session();
    String bobToken = bob.welcome().session();

    REDIS.restart();
    awaitCaughtUpAfterTheLoss(List.of(0, 1, 2));

    // The clients never noticed: the same connections, and their sends go on.
    long seq = alice.send("general", "after the loss").join().seq();
    assertThat(bobHeard.takeMessage(TIMEOUT).seq()).isEqualTo(seq);
    assertThat(carolHeard.takeMessage(TIMEOUT).seq()).isEqualTo(seq);
    assertThat(alice.welcome().session()).as("alice did not reconnect").isEqualTo(aliceToken);
    List<User> everyone = List.of(ALICE, BOB, CAROL);
    for (int node = 0; node < 3; node++) {
      assertThat(deployment.node(node).members("general")).as("members from node %d", node).isEqualTo(everyone);
      assertThat(deployment.node(node).onlineUsers()).as("online from node %d", node).isEqualTo(everyone);
    }
    for (ChatClient client : List.of(alice, bob, carol)) {
      assertThat(client.members("general").join()).isEqualTo(everyone);
    }
    // Nothing changed for the users, and nobody was told anything (the catch-ups' resyncs are done).
    bob.send("general", "marker").join();
    takeMessage(aliceHeard, "marker");
    takeMessage(carolHeard, "marker");
    takeMessage(bobHeard, "marker");
    assertThat(aliceHeard.pendingPresence()).isEmpty();
    assertThat(carolHeard.pendingPresence()).isEmpty();
    assertThat(bobHeard.pendingPresence()).isEmpty();

    // A token issued before the loss resumes its session, on another node, in its room.
    RecordingListener bobAgainHeard = new RecordingListener();
    ChatClient bobAgain = connect(ChatClient.builder(transportTo(2)).name("bob").resume(bobToken)
        .listener(bobAgainHeard).reconnect(ReconnectPolicy.disabled()));
    Welcome resumed = bobAgain.welcome();
    assertThat(resumed.resumed()).isTrue();
    assertThat(resumed.rooms()).containsExactly("general");
    assertThat(bobHeard.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.SESSION_TAKEN_OVER);
    bobAgain.send("general", "back").join();
    takeMessage(aliceHeard, "back");
    assertThat(aliceHeard.pendingPresence()).isEmpty();
  }

  @Test
  void theUserOfANodeClosedWhileRedisWasDownLeavesOnceAndTheOthersStay() {
    start(Duration.ofSeconds(5));
    RecordingListener aliceHeard = new RecordingListener();
    RecordingListener bobHeard = new RecordingListener();
    RecordingListener carolHeard = new RecordingListener();
    ChatClient alice = connect(0, "alice", aliceHeard);
    ChatClient bob = connect(1, "bob", bobHeard);
    ChatClient carol = connect(2, "carol", carolHeard);
    everyoneJoins(List.of(alice, bob, carol), List.of(aliceHeard, bobHeard, carolHeard));

    REDIS.stop();
    deployment.node(2).close(); // it can neither detach carol's session nor give up its lease
    assertThat(carolHeard.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.GOING_AWAY);
    REDIS.startAgain();
    awaitCaughtUpAfterTheLoss(List.of(0, 1));

    Presence carolLeft = Presence.leave("general", CAROL, Presence.Reason.DISCONNECT);
    assertThat(aliceHeard.takePresence(TIMEOUT)).isEqualTo(carolLeft);
    assertThat(bobHeard.takePresence(TIMEOUT)).isEqualTo(carolLeft);
    for (int node = 0; node < 2; node++) {
      assertThat(deployment.node(node).members("general")).as("members from node %d", node).containsExactly(ALICE, BOB);
      assertThat(deployment.node(node).onlineUsers()).as("online from node %d", node).containsExactly(ALICE, BOB);
    }
    // Once, and nothing else.
    bob.send("general", "marker from bob").join();
    takeMessage(aliceHeard, "marker from bob");
    alice.send("general", "marker from alice").join();
    takeMessage(bobHeard, "marker from alice");
    assertThat(aliceHeard.pendingPresence()).isEmpty();
    assertThat(bobHeard.pendingPresence()).isEmpty();
  }

  @Test
  void aNodeDeclaredDeadWhileAliveClosesTheSessionsItsReaperEndedWith1001() {
    start(Duration.ofMillis(300));
    RecordingListener aliceHeard = new RecordingListener();
    RecordingListener bobHeard = new RecordingListener();
    ChatClient alice = connect(0, "alice", aliceHeard);
    ChatClient bob = connect(1, "bob", bobHeard);
    alice.join("general").join();
    bob.join("general").join();
    aliceHeard.takePresence(TIMEOUT);

    nodes.get(0).pauseLease();
    assertThat(bobHeard.takePresence(TIMEOUT)).isEqualTo(Presence.leave("general", ALICE, Presence.Reason.DISCONNECT));
    nodes.get(0).resumeLease();

    // Alice's session no longer exists: her connection closes, so her client starts over.
    assertThat(aliceHeard.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.GOING_AWAY);
    assertThat(nodes.get(0).stats().sessionsLost()).isEqualTo(1);
    assertThat(nodes.get(0).stats().leaseLost()).isEqualTo(1);
    ChatClient aliceAgain = connect(0, "alice", new RecordingListener());
    aliceAgain.join("general").join();
    assertThat(bobHeard.takePresence(TIMEOUT)).isEqualTo(Presence.join("general", ALICE));
    aliceAgain.send("general", "back").join();
    takeMessage(bobHeard, "back");
  }

  // ---- helpers ----

  /** Three nodes with a lease of a second; {@code grace} is how long a dead node's sessions wait. */
  private void start(Duration grace) {
    String prefix = "dataloss" + CLUSTERS.incrementAndGet() + ":";
    List<Cluster> clusterNodes = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      RedisCluster node = RedisCluster.builder(REDIS.uri()).nodeId("n" + i).prefix(prefix)
          .operationTimeout(Duration.ofMillis(400)).lease(Duration.ofSeconds(1)).presenceGrace(grace).build();
      nodes.add(node);
      clusterNodes.add(node);
      watches.add(new CatchUpWatch(store));
    }
    Iterator<CatchUpWatch> stores = watches.iterator();
    deployment = Deployment.start(clusterNodes,
        () -> InMemoryServerTransport.forName(InMemoryServerTransport.generateName()), stores::next, b -> {});
    resources.add(deployment);
  }

  private static void everyoneJoins(List<ChatClient> clients, List<RecordingListener> heard) {
    for (ChatClient client : clients) {
      client.join("general").join();
    }
    heard.get(0).takePresence(TIMEOUT); // bob
    heard.get(0).takePresence(TIMEOUT); // carol
    heard.get(1).takePresence(TIMEOUT); // carol
  }

  /**
   * Waits until each of these nodes found that Redis lost its data and registered again, then (a lease
   * later) caught up: its resyncs are done. Each node's catch-ups are counted from the moment its
   * recovery is seen, polled together: the catch-up comes a lease after it.
   */
  private void awaitCaughtUpAfterTheLoss(List<Integer> indexes) {
    Integer[] recoveredAt = new Integer[nodes.size()];
    awaitQuietly(() -> {
      boolean all = true;
      for (int i : indexes) {
        if (recoveredAt[i] == null && nodes.get(i).stats().dataLosses() == 1) {
          recoveredAt[i] = watches.get(i).catchUps();
        }
        all &= recoveredAt[i] != null && watches.get(i).catchUps() > recoveredAt[i];
      }
      return all;
    }, "nodes " + indexes + " to register again after Redis lost its data, then catch up");
  }

  /** Takes messages until the one with this text, which must come. */
  private static void takeMessage(RecordingListener heard, String text) {
    while (!heard.takeMessage(TIMEOUT).text().equals(text)) {
      // an earlier message
    }
  }

  private InMemoryClientTransport transportTo(int node) {
    return InMemoryClientTransport.forName(((InMemoryServerTransport) deployment.transport(node)).name());
  }

  private ChatClient connect(int node, String name, RecordingListener listener) {
    return connect(ChatClient.builder(transportTo(node)).name(name).listener(listener)
        .reconnect(ReconnectPolicy.disabled()));
  }

  private ChatClient connect(ChatClient.Builder builder) {
    ChatClient client = builder.build();
    resources.add(client);
    client.connect().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    return client;
  }

  private static void awaitQuietly(java.util.function.BooleanSupplier condition, String what) {
    try {
      await(condition, what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
