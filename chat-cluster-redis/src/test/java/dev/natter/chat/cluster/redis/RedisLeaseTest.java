package dev.natter.chat.cluster.redis;

import static dev.natter.chat.cluster.redis.TestCluster.await;
import static dev.natter.chat.cluster.redis.TestCluster.marker;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Leases: a node that dies (or leaves) is claimed by exactly one other node, every node catches up, and
 * after the grace the sessions nobody resumed leave, announced once. Short leases and grace, so that
 * the tests wait about a second each.
 */
class RedisLeaseTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();

  private static final User ANN = new User("ann", "Ann");
  private static final User BOB = new User("bob", "Bob");
  private static final PresenceChange ANN_LEFT =
      new PresenceChange(Presence.leave("general", ANN, Presence.Reason.DISCONNECT), 2);

  private TestCluster cluster;

  @BeforeEach
  void newCluster() {
    cluster = new TestCluster(REDIS, builder -> builder
        .operationTimeout(Duration.ofMillis(200))
        .lease(Duration.ofSeconds(1))
        .presenceGrace(Duration.ofMillis(500)));
  }

  @AfterEach
  void closeNodes() {
    cluster.close();
  }

  @Test
  void theSessionsOfACrashedNodeLeaveOnceAfterTheGraceAndEveryNodeCatchesUp() throws InterruptedException {
    RedisCluster n1 = cluster.node("n1");
    RedisCluster n2 = cluster.node("n2");
    RedisCluster n3 = cluster.node("n3");
    n2.bus().follow("general");
    n3.bus().follow("general");
    SessionDirectory.Opened ann = n1.sessions().open(ANN, false, null);
    n1.memberships().join("general", ann.sessionId(), ANN);

    n1.crash();

    for (RedisCluster observer : List.of(n2, n3)) {
      List<Event> heard = cluster.events(observer).until(event -> ANN_LEFT.equals(event.value()));
      // The join, the death (catch up), then the leave a grace later.
      assertThat(heard).extracting(Event::kind).as("heard by %s", observer).containsExactly("presence", "catchUp", "presence");
      assertThat(heard).allSatisfy(event -> assertThat(event.thread()).startsWith("natter-redis-"));
    }
    await(() -> n2.stats().nodesReaped() + n3.stats().nodesReaped() == 1, "the reaper to count its reaping");
    assertThat(n2.stats().nodesClaimed() + n3.stats().nodesClaimed()).isEqualTo(1);
    // Once: nothing more for either.
    String fromN2 = marker(n2);
    String fromN3 = marker(n3);
    assertThat(cluster.events(n3).untilMarker(fromN2)).extracting(Event::kind).doesNotContain("presence");
    assertThat(cluster.events(n2).untilMarker(fromN3)).extracting(Event::kind).doesNotContain("presence");
    assertThat(n2.memberships().members("general")).isEqualTo(new MembershipDirectory.Snapshot(List.of(), 2));
    assertThat(n3.sessions().onlineUsers()).isEmpty();
    assertThat(n3.sessions().open(ANN, false, ann.token()).resumed()).as("resume after the reaping").isFalse();
  }

  @Test
  void aSessionResumedElsewhereWithinTheGraceStays() throws InterruptedException {
    RedisCluster n1 = cluster.node("n1");
    RedisCluster n2 = cluster.node("n2");
    RedisCluster n3 = cluster.node("n3");
    n3.bus().follow("general");
    SessionDirectory.Opened ann = n1.sessions().open(ANN, false, null);
    SessionDirectory.Opened bob = n1.sessions().open(BOB, false, null);
    n1.memberships().join("general", ann.sessionId(), ANN);
    n1.memberships().join("general", bob.sessionId(), BOB);

    n1.crash();
    SessionDirectory.Opened resumed = n2.sessions().open(ANN, false, ann.token());

    assertThat(resumed.resumed()).isTrue();
    await(() -> n2.stats().nodesReaped() + n3.stats().nodesReaped() == 1, "the dead node to be reaped");
    String mid = marker(n2);
    // Bob, whom nobody resumed, left; Ann did not.
    assertThat(cluster.events(n3).untilMarker(mid)).extracting(Event::value)
        .filteredOn(value -> value instanceof PresenceChange change && change.presence().event() == Presence.Event.LEAVE)
        .containsExactly(new PresenceChange(Presence.leave("general", BOB, Presence.Reason.DISCONNECT), 3));
    assertThat(n3.memberships().members("general").members()).containsExactly(ANN);
    assertThat(n2.sessions().detach(resumed.sessionId(), resumed.token())).isTrue();
  }

  @Test
  void aNodeThatClosesIsClaimedAndItsSessionsLeaveAfterTheGrace() throws InterruptedException {
    RedisCluster n1 = cluster.node("n1");
    RedisCluster n2 = cluster.node("n2");
    n2.bus().follow("general");
    SessionDirectory.Opened ann = n1.sessions().open(ANN, false, null);
    n1.memberships().join("general", ann.sessionId(), ANN);

    n1.close();

    assertThat(cluster.events(n2).until(event -> ANN_LEFT.equals(event.value())))
        .extracting(Event::kind).containsExactly("presence", "catchUp", "presence");
    assertThat(n2.stats().nodesClaimed()).isEqualTo(1);
  }

  @Test
  void aNodeRestartedUnderItsIdKeepsItsOwnSessionsWhileItsFormerRunIsReaped() throws InterruptedException {
    RedisCluster before = cluster.node("n1");
    RedisCluster n2 = cluster.node("n2");
    SessionDirectory.Opened ann = before.sessions().open(ANN, false, null);
    before.crash();

    RedisCluster after = cluster.node("n1");
    SessionDirectory.Opened bob = after.sessions().open(BOB, false, null);

    await(() -> after.stats().nodesReaped() + n2.stats().nodesReaped() == 1, "the former run to be reaped");
    assertThat(after.sessions().detach(bob.sessionId(), bob.token())).as("the new run's session").isTrue();
    assertThat(n2.sessions().detach(ann.sessionId(), ann.token())).as("the former run's session").isFalse();
    after.checkWritable();
  }

  @Test
  void aNodeWhoseLeaseWasTakenRegistersAgainAndStaysWritable() throws InterruptedException {
    RedisCluster n1 = cluster.node("n1");
    try (LettuceClients.OwnedClient raw = LettuceClients.create(REDIS.uri(), Duration.ofSeconds(1));
        StatefulRedisConnection<String, String> connection = raw.client().connect()) {
      List<String> instances = connection.sync().zrange(cluster.prefix + "nodes", 0, -1);
      assertThat(instances).singleElement().asString().startsWith("n1.");

      assertThat(connection.sync().zrem(cluster.prefix + "nodes", instances.get(0))).isEqualTo(1);

      await(() -> n1.stats().leaseLost() == 1, "the renewal to find the lease gone");
      await(() -> connection.sync().zscore(cluster.prefix + "nodes", instances.get(0)) != null,
          "the node to register again");
    }
    n1.checkWritable();
  }

  @Test
  void eachNodeIsClaimedByOneNodeOnlyWhenSeveralDieAtOnce() throws InterruptedException {
    List<RedisCluster> dying = Stream.of("d1", "d2", "d3").map(cluster::node).toList();
    List<RedisCluster> living = Stream.of("l1", "l2", "l3").map(cluster::node).toList();

    dying.forEach(RedisCluster::crash);

    await(() -> living.stream().mapToLong(node -> node.stats().nodesReaped()).sum() == 3, "three reapings");
    assertThat(living.stream().mapToLong(node -> node.stats().nodesClaimed()).sum()).isEqualTo(3);
  }
}
