package dev.natter.examples.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.cluster.redis.RedisServer;
import dev.natter.chat.store.jdbc.JdbcHistoryStore;
import dev.natter.chat.store.jdbc.PostgresServer;
import dev.natter.chat.tck.reliability.CheckedClient;
import dev.natter.chat.tck.reliability.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster scenario 2 (docs/cluster.md §9, §10): three {@code natter-server.jar} nodes on one PostgreSQL
 * and one Redis, clients spread over them in two rooms, sending; Redis is killed and started again
 * empty mid-traffic (no persistence: every key is gone, every connection was cut). PostgreSQL orders the
 * messages, so sends go on being stored; the live fan-out between nodes comes back when the nodes have
 * reconnected and resubscribed, and what it dropped meanwhile is read from the store. Nothing is lost,
 * duplicated or reordered, for anyone.
 *
 * <p>A send the server answers with {@code internal} is sent again by the app with its {@code cid}
 * ({@link ResendOnInternal}), as docs/cluster.md §9 allows: the checker then sees it stored once. Such
 * answers come while Redis is down: every send reads the room's mutes in Redis
 * ({@code MembershipDirectory.isMuted}), which docs/cluster.md means to cache on the nodes (§6, not built
 * yet).
 *
 * <p>Skipped without PostgreSQL or Redis (failed under {@code -Dnatter.require.postgres=true} or
 * {@code -Dnatter.require.redis=true}).
 */
class RedisRestartedIT {
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();
  @RegisterExtension static final RedisServer REDIS = new RedisServer();

  private static final List<String> ROOMS = List.of("alpha", "beta");
  private static final Duration GRACE = Duration.ofSeconds(2);

  /** Each test's cluster starts on an empty Redis, whatever the one before left there. */
  @BeforeEach
  void emptyRedis() {
    REDIS.restart();
  }

  @Test
  void sendsGoOnAndNothingIsLostWhenRedisRestartsEmpty(@TempDir Path dir) throws Exception {
    try (ClusterNodes cluster = ClusterNodes.start(dir, POSTGRES, REDIS, GRACE, List.of("n1", "n2", "n3"));
        Scenario scenario = new Scenario();
        ResendOnInternal sending = new ResendOnInternal(scenario.log)) {
      List<CheckedClient> senders = connectSenders(scenario, cluster);

      Traffic traffic = Traffic.start(senders, ROOMS, 20, 100, sending::send);
      try (traffic) {
        Scenario.await("traffic flows", () -> scenario.acked() >= 300);
        REDIS.restart();
        long ackedAtRestart = scenario.acked();
        Scenario.await("traffic flows on", () -> scenario.acked() >= ackedAtRestart + 600);
        traffic.stop();
        assertThat(scenario.settle()).as("settled; nodes:\n%s", cluster.stderrOfAll()).isTrue();
      }

      int sends = scenario.log.sends().size();
      long resent = sending.messagesResent();
      System.out.println("redis restarted: " + sends + " sends, " + resent + " of them sent again after "
          + sending.internalAnswers() + " internal answers");
      scenario.stopClients();
      try (JdbcHistoryStore store = cluster.openStore()) {
        scenario.recordStore(store, ROOMS);
      }
      Verdict verdict = scenario.check();
      assertThat(verdict.acked()).as("every send ends acknowledged").isEqualTo(sends).isGreaterThanOrEqualTo(900);
      assertThat(resent).as("sends answered internal at first, of %s", sends).isLessThan(sends / 2);

      cluster.sigterm("n1");
      cluster.sigterm("n2");
      cluster.sigterm("n3");
    }
  }

  /**
   * After the restart, a newcomer joins the rooms on n2, and n3's clients, cut off, come back on n3:
   * their sessions are gone with Redis' data, so they start fresh ones and rejoin with their cursors.
   * Each must then be served like everyone else.
   *
   * <p>What it guards: the room's membership version ({@code mv:{room}}) restarts with Redis' data; the
   * nodes put back what they hold with versions above any their replicas applied (docs/cluster.md §5),
   * or a join on a node that follows the room would be refused as overtaken by a later change.
   */
  @Test
  void clientsThatJoinAfterRedisRestartedEmptyAreServedLikeTheOthers(@TempDir Path dir) throws Exception {
    try (ClusterNodes cluster = ClusterNodes.start(dir, POSTGRES, REDIS, GRACE, List.of("n1", "n2", "n3"));
        Scenario scenario = new Scenario();
        ResendOnInternal sending = new ResendOnInternal(scenario.log)) {
      List<CheckedClient> senders = connectSenders(scenario, cluster);

      Traffic traffic = Traffic.start(senders, ROOMS, 20, 100, sending::send);
      try (traffic) {
        Scenario.await("traffic flows", () -> scenario.acked() >= 300);
        REDIS.restart();
        long ackedAtRestart = scenario.acked();
        Scenario.await("traffic flows on", () -> scenario.acked() >= ackedAtRestart + 300);

        CheckedClient late = scenario.connect("late", cluster.proxyPort("n2"));
        ROOMS.forEach(late::join);
        cluster.cutAll("n3"); // erin and frank reconnect: no session to resume any more
        long ackedAtJoin = scenario.acked();
        Scenario.await("traffic flows past the newcomers", () -> scenario.acked() >= ackedAtJoin + 300);
        traffic.stop();
        assertThat(scenario.settle()).as("settled; nodes:\n%s", cluster.stderrOfAll()).isTrue();
      }
      scenario.stopClients();
      try (JdbcHistoryStore store = cluster.openStore()) {
        scenario.recordStore(store, ROOMS);
      }
      Verdict verdict = scenario.check();
      assertThat(verdict.acked()).isEqualTo(scenario.log.sends().size());
    }
  }

  /** Two senders on each node, in both rooms. */
  private static List<CheckedClient> connectSenders(Scenario scenario, ClusterNodes cluster) {
    List<CheckedClient> senders = List.of(
        scenario.connect("alice", cluster.proxyPort("n1")), scenario.connect("bob", cluster.proxyPort("n1")),
        scenario.connect("carol", cluster.proxyPort("n2")), scenario.connect("dave", cluster.proxyPort("n2")),
        scenario.connect("erin", cluster.proxyPort("n3")), scenario.connect("frank", cluster.proxyPort("n3")));
    senders.forEach(client -> ROOMS.forEach(client::join));
    return senders;
  }
}
