package dev.natter.chat.cluster.redis;

import static dev.natter.chat.cluster.redis.TestCluster.await;
import static dev.natter.chat.cluster.redis.TestCluster.marker;
import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.cluster.redis.Recorder.Event;
import dev.natter.chat.cluster.redis.internal.LettuceClients;
import dev.natter.chat.spi.cluster.MembershipDirectory;
import dev.natter.chat.spi.cluster.PresenceChange;
import dev.natter.chat.spi.cluster.SessionDirectory;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a node puts back when Redis forgot it: everything after Redis lost its data (the key
 * {@code incarnation} changed), or its sessions not ended meanwhile after it was declared dead while
 * alive (docs/cluster.md §9). The directory calls stand for the engine's; short leases.
 */
class RedisRecoveryTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();

  private static final User ANN = new User("ann", "Ann");
  private static final User BOB = new User("bob", "Bob");
  private static final User CAROL = new User("carol", "Carol");

  private TestCluster cluster;

  @AfterEach
  void closeNodes() {
    cluster.close();
  }

  private void newCluster(Duration grace) {
    UnaryOperator<RedisCluster.Builder> settings = builder -> builder
        .operationTimeout(Duration.ofMillis(200))
        .lease(Duration.ofSeconds(1))
        .presenceGrace(grace);
    cluster = new TestCluster(REDIS, settings);
  }

  @Test
  void theFirstNodeNamesTheRedisIncarnationAndTheOthersKeepIt() {
    newCluster(Duration.ofMillis(500));
    cluster.node("n1");
    String named = incarnation();
    cluster.node("n2");

    assertThat(named).isNotBlank();
    assertThat(incarnation()).isEqualTo(named);
  }

  @Test
  void afterRedisLostItsDataEachNodePutsBackItsSessionsAndRoomsSilentlyAndCatchesUpALeaseLater()
      throws InterruptedException {
    newCluster(Duration.ofMillis(500));
    RedisCluster n1 = cluster.node("n1");
    RedisCluster n2 = cluster.node("n2");
    RedisCluster n3 = cluster.node("n3");
    for (RedisCluster node : List.of(n1, n2, n3)) {
      node.bus().follow("general");
    }
    SessionDirectory.Opened ann = n1.sessions().open(ANN, false, null);
    SessionDirectory.Opened bob = n1.sessions().open(BOB, false, null);
    SessionDirectory.Opened carol = n2.sessions().open(CAROL, false, null);
    n1.memberships().join("general", ann.sessionId(), ANN);
    n1.memberships().join("general", bob.sessionId(), BOB);
    n2.memberships().join("general", carol.sessionId(), CAROL);
    n1.sessions().detach(bob.sessionId(), bob.token()); // bob waits for a resume
    String fromN2 = marker(n2);
    assertThat(cluster.events(n3).untilMarker(fromN2)).extracting(Event::value)
        .filteredOn(PresenceChange.class::isInstance)
        .extracting(change -> ((PresenceChange) change).version()).containsExactly(1L, 2L, 3L);
    cluster.events(n1).untilMarker(fromN2);
    cluster.events(n2).untilMarker(marker(n1));

    REDIS.restart();

    for (RedisCluster node : List.of(n1, n2, n3)) {
      // Nothing announced: after the markers, the first thing each node hears is its own catch-up, a
      // lease after it registered again.
      assertThat(cluster.events(node).until(event -> event.kind().equals("catchUp")))
          .as("heard by %s", node).extracting(Event::kind).filteredOn(kind -> !kind.equals("message"))
          .containsExactly("catchUp");
      assertThat(node.stats().dataLosses()).isEqualTo(1);
    }
    MembershipDirectory.Snapshot general = n3.memberships().members("general");
    assertThat(general.members()).containsExactly(ANN, BOB, CAROL);
    assertThat(general.version()).as("past every version the replicas saw").isGreaterThan(3);
    assertThat(n3.memberships().memberCounts()).isEqualTo(Map.of("general", 3));
    assertThat(n3.sessions().onlineUsers()).as("bob is still away").containsExactly(ANN, CAROL);
    assertThat(n3.sessions().knownUser("bob")).contains(BOB);

    // The sessions are the same, with the same tokens, detached where they were.
    assertThat(n1.sessions().detach(ann.sessionId(), ann.token())).isTrue();
    SessionDirectory.Opened bobBack = n3.sessions().open(BOB, false, bob.token());
    assertThat(bobBack.resumed()).isTrue();
    assertThat(bobBack.sessionId()).isEqualTo(bob.sessionId());
    assertThat(bobBack.rooms()).containsExactly("general");
    assertThat(cluster.events(n1).until(event -> event.kind().equals("takenOver")))
        .last().extracting(Event::value).isEqualTo(bob.sessionId());
    // The next change follows the restored version: no replica takes it for an old one.
    PresenceChange carolLeft = n2.memberships().leave("general", carol.sessionId(), Presence.Reason.LEFT);
    assertThat(carolLeft.version()).isEqualTo(general.version() + 1);
    assertThat(cluster.events(n3).until(event -> event.value() instanceof PresenceChange))
        .last().extracting(Event::value).isEqualTo(carolLeft);
  }

  @Test
  void aNodeThatFindsRedisEmptyBeforeItsRenewalRegistersAgainAndItsCallsWorkAgain() throws InterruptedException {
    newCluster(Duration.ofMillis(500));
    RedisCluster n1 = cluster.node("n1");
    n1.bus().follow("general");
    SessionDirectory.Opened ann = n1.sessions().open(ANN, false, null);
    n1.memberships().join("general", ann.sessionId(), ANN);
    String before = incarnation();

    redis(connection -> connection.sync().flushall());

    // The first call finds the incarnation gone: it fails, and the node registers again.
    MembershipDirectory.Snapshot members = eventually(() -> n1.memberships().members("general"));
    assertThat(members.members()).containsExactly(ANN);
    assertThat(incarnation()).isNotEqualTo(before);
    assertThat(n1.stats().dataLosses()).isEqualTo(1);
    assertThat(n1.sessions().detach(ann.sessionId(), ann.token())).isTrue();
  }

  @Test
  void aNodeDeclaredDeadWhileAliveLearnsWhichOfItsSessionsTheReaperEnded() throws InterruptedException {
    newCluster(Duration.ofMillis(300));
    RedisCluster n1 = cluster.node("n1");
    RedisCluster n2 = cluster.node("n2");
    n1.bus().follow("general");
    n2.bus().follow("general");
    SessionDirectory.Opened ann = n1.sessions().open(ANN, false, null);
    n1.memberships().join("general", ann.sessionId(), ANN);

    n1.pauseLease();
    PresenceChange annLeft = new PresenceChange(Presence.leave("general", ANN, Presence.Reason.DISCONNECT), 2);
    assertThat(cluster.events(n2).until(event -> annLeft.equals(event.value()))).isNotEmpty();
    n1.resumeLease();

    assertThat(cluster.events(n1).until(event -> event.kind().equals("lost")))
        .last().extracting(Event::value).isEqualTo(List.of(ann.sessionId()));
    assertThat(n1.stats().leaseLost()).isEqualTo(1);
    assertThat(n1.stats().sessionsLost()).isEqualTo(1);
    await(() -> !refusesToStore(n1), "the node to store again");
    // It registered again: new sessions work, and nothing of the lost one came back.
    SessionDirectory.Opened bob = n1.sessions().open(BOB, false, null);
    assertThat(n1.memberships().join("general", bob.sessionId(), BOB).members()).containsExactly(BOB);
  }

  @Test
  void aNodeClaimedWhileAliveTakesItsSessionsBackAndItsReaperEndsNothing() throws InterruptedException {
    newCluster(Duration.ofSeconds(2));
    RedisCluster n1 = cluster.node("n1");
    RedisCluster n2 = cluster.node("n2");
    n1.bus().follow("general");
    n2.bus().follow("general");
    SessionDirectory.Opened ann = n1.sessions().open(ANN, false, null);
    SessionDirectory.Opened bob = n1.sessions().open(BOB, false, null);
    n1.memberships().join("general", ann.sessionId(), ANN);
    n1.memberships().join("general", bob.sessionId(), BOB);

    n1.pauseLease();
    await(() -> n2.stats().nodesClaimed() == 1, "n2 to claim n1");
    assertThat(n2.sessions().onlineUsers()).as("the claim detached n1's sessions").isEmpty();
    SessionDirectory.Opened bobElsewhere = n2.sessions().open(BOB, false, bob.token());
    n1.resumeLease();

    assertThat(bobElsewhere.resumed()).isTrue();
    await(() -> n1.stats().leaseLost() == 1, "n1 to find its lease gone");
    assertThat(cluster.events(n1).until(event -> event.kind().equals("takenOver")))
        .last().extracting(Event::value).isEqualTo(bob.sessionId());
    await(() -> n2.stats().claimsWithdrawn() == 1, "n2's reaping to find n1 back");
    assertThat(n2.stats().nodesReaped()).isZero();
    assertThat(n1.stats().sessionsLost()).isZero();
    // Ann's session is n1's again, attached, in its room; nobody saw anyone leave.
    assertThat(n2.sessions().onlineUsers()).containsExactly(ANN, BOB);
    assertThat(n2.memberships().members("general").members()).containsExactly(ANN, BOB);
    assertThat(n1.sessions().detach(ann.sessionId(), ann.token())).isTrue();
    assertThat(cluster.events(n2).untilMarker(marker(n1))).extracting(Event::value)
        .filteredOn(value -> value instanceof PresenceChange change && change.presence().event() == Presence.Event.LEAVE)
        .isEmpty();
  }

  private static boolean refusesToStore(RedisCluster node) {
    try {
      node.checkWritable();
      return false;
    } catch (ChatException e) {
      return true;
    }
  }

  /** Calls until the call stops failing with {@code internal}, within the deadline. */
  private static <T> T eventually(java.util.function.Supplier<T> call) throws InterruptedException {
    long deadline = System.nanoTime() + Recorder.DEADLINE.toNanos();
    while (true) {
      try {
        return call.get();
      } catch (ChatException e) {
        assertThat(e.code()).isEqualTo(ChatStatus.Code.INTERNAL);
        assertThat(System.nanoTime() - deadline).as("waiting for the node to register again: " + e).isNegative();
        Thread.sleep(20);
      }
    }
  }

  private String incarnation() {
    String value = redis(connection -> connection.sync().get(cluster.prefix + "incarnation"));
    return value;
  }

  private static <T> T redis(java.util.function.Function<StatefulRedisConnection<String, String>, T> call) {
    try (LettuceClients.OwnedClient raw = LettuceClients.create(REDIS.uri(), Duration.ofSeconds(1));
        StatefulRedisConnection<String, String> connection = raw.client().connect()) {
      return call.apply(connection);
    }
  }
}
