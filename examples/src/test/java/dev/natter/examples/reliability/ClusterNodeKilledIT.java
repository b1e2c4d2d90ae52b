package dev.natter.examples.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.Welcome;
import dev.natter.chat.cluster.redis.RedisServer;
import dev.natter.chat.store.jdbc.JdbcHistoryStore;
import dev.natter.chat.store.jdbc.PostgresServer;
import dev.natter.chat.tck.reliability.CheckedClient;
import dev.natter.chat.tck.reliability.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster scenario 1 (docs/cluster.md §9, §10): three {@code natter-server.jar} nodes on one PostgreSQL
 * and one Redis, clients spread over them in two rooms, sending. Node n3 is killed with SIGKILL
 * mid-traffic and its proxy (the load balancer) sends its clients to n1: they reconnect, resume their
 * sessions there, rejoin with their cursors and resend what was not acknowledged, with the same
 * {@code cid}s. Nothing is lost, duplicated or reordered, for anyone.
 *
 * <p>Presence: one user of n3, the ghost, never comes back (its client ends with the node). When n3's
 * lease has expired and the presence grace has passed, the node that claimed n3 ends the ghost's session:
 * the watchers on n1 and n2 see the ghost leave each room once, with reason {@code disconnect}, and see
 * nothing else: the users that came back resumed, so nobody saw them leave or join again.
 *
 * <p>Skipped without PostgreSQL or Redis (failed under {@code -Dnatter.require.postgres=true} or
 * {@code -Dnatter.require.redis=true}).
 */
class ClusterNodeKilledIT {
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();
  @RegisterExtension static final RedisServer REDIS = new RedisServer();

  private static final List<String> ROOMS = List.of("alpha", "beta");
  /** Short, so that the ghost leaves soon after n3's lease (5 s, RedisCluster's default) ran out. */
  private static final Duration GRACE = Duration.ofSeconds(2);

  @Test
  void theClientsOfAKilledNodeResumeOnAnotherAndTheOthersSeeOnlyTheAbsentLeave(@TempDir Path dir)
      throws Exception {
    try (ClusterNodes cluster = ClusterNodes.start(dir, POSTGRES, REDIS, GRACE, List.of("n1", "n2", "n3"));
        Scenario scenario = new Scenario();
        ResendOnInternal sending = new ResendOnInternal(scenario.log)) {
      // Watchers on the nodes that live: they only read, and record presence.
      PresenceWatch watcherOnN1 = new PresenceWatch();
      PresenceWatch watcherOnN2 = new PresenceWatch();
      List<CheckedClient> watchers = List.of(
          scenario.connect("watcher1", cluster.proxyPort("n1"), watcherOnN1),
          scenario.connect("watcher2", cluster.proxyPort("n2"), watcherOnN2));
      // Two senders on each node; n3's record their welcomes.
      PresenceWatch erinSees = new PresenceWatch();
      PresenceWatch frankSees = new PresenceWatch();
      List<CheckedClient> senders = List.of(
          scenario.connect("alice", cluster.proxyPort("n1")), scenario.connect("bob", cluster.proxyPort("n1")),
          scenario.connect("carol", cluster.proxyPort("n2")), scenario.connect("dave", cluster.proxyPort("n2")),
          scenario.connect("erin", cluster.proxyPort("n3"), erinSees),
          scenario.connect("frank", cluster.proxyPort("n3"), frankSees));
      // The ghost talks to n3 directly, not through the proxy that will be retargeted: it dies with n3.
      CheckedClient ghost = scenario.connect("ghost", cluster.port("n3"));
      List<CheckedClient> everyone = new ArrayList<>(watchers);
      everyone.addAll(senders);
      everyone.add(ghost);
      everyone.forEach(client -> ROOMS.forEach(client::join));
      // Every join reached both watchers before the fault: 8 others join each room after each watcher, or
      // the watcher joins after them (then it hears no join): wait until the member lists agree.
      Scenario.await("every member is known on every node", () -> ROOMS.stream().allMatch(room ->
          watchers.stream().allMatch(w -> w.client().members(room).join().size() == everyone.size())));

      long ackedAtKill;
      PresenceWatch.Mark beforeKill1;
      PresenceWatch.Mark beforeKill2;
      PresenceWatch.Mark erinBefore;
      PresenceWatch.Mark frankBefore;
      Traffic traffic = Traffic.start(senders, ROOMS, 20, 100, sending::send);
      try (traffic) {
        Scenario.await("traffic flows", () -> scenario.acked() >= 300);
        beforeKill1 = watcherOnN1.mark();
        beforeKill2 = watcherOnN2.mark();
        erinBefore = erinSees.mark();
        frankBefore = frankSees.mark();

        cluster.sigkill("n3");
        ghost.close(); // it never comes back
        cluster.retarget("n3", "n1");
        ackedAtKill = scenario.acked();

        Scenario.await("n3's clients are back, on n1", () -> !erinSees.welcomesSince(erinBefore).isEmpty()
            && !frankSees.welcomesSince(frankBefore).isEmpty());
        Scenario.await("traffic flows again", () -> scenario.acked() >= ackedAtKill + 300);
        Scenario.await("the ghost left both rooms, as both watchers saw", () ->
            leaves(watcherOnN1.presenceSince(beforeKill1)) >= ROOMS.size()
                && leaves(watcherOnN2.presenceSince(beforeKill2)) >= ROOMS.size());
        traffic.stop();
        assertThat(scenario.settle()).as("settled; nodes:\n%s", cluster.stderrOfAll()).isTrue();
      }

      // The users that came back resumed their sessions (no presence for anyone), and only the ghost left,
      // once per room and watcher, as a lost connection does.
      assertThat(erinSees.welcomesSince(erinBefore)).extracting(Welcome::resumed).containsOnly(true);
      assertThat(frankSees.welcomesSince(frankBefore)).extracting(Welcome::resumed).containsOnly(true);
      User ghostUser = User.anonymous("ghost");
      List<Presence> ghostLeaves = ROOMS.stream()
          .map(room -> Presence.leave(room, ghostUser, Presence.Reason.DISCONNECT)).toList();
      for (Map.Entry<String, List<Presence>> seen : Map.of(
          "watcher1 on n1", watcherOnN1.presenceSince(beforeKill1),
          "watcher2 on n2", watcherOnN2.presenceSince(beforeKill2)).entrySet()) {
        assertThat(seen.getValue()).as(seen.getKey()).containsExactlyInAnyOrderElementsOf(ghostLeaves);
      }

      int sends = scenario.log.sends().size();
      System.out.println("cluster node killed: " + sends + " sends, " + sending.messagesResent()
          + " of them sent again after " + sending.internalAnswers() + " internal answers");
      scenario.stopClients();
      try (JdbcHistoryStore store = cluster.openStore()) {
        scenario.recordStore(store, ROOMS);
      }
      Verdict verdict = scenario.check();
      assertThat(verdict.acked()).as("every send ends acknowledged").isEqualTo(sends).isGreaterThanOrEqualTo(600);

      cluster.sigterm("n1");
      cluster.sigterm("n2");
    }
  }

  private static long leaves(List<Presence> events) {
    return events.stream().filter(p -> p.event() == Presence.Event.LEAVE).count();
  }
}
