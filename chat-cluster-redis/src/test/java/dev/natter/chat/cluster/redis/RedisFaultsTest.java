package dev.natter.chat.cluster.redis;

import static dev.natter.chat.cluster.redis.TestCluster.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the cluster does when Redis forgets its scripts, restarts empty, or stops answering. */
class RedisFaultsTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();

  private static final User ANN = new User("ann", "Ann");

  private TestCluster cluster;

  @AfterEach
  void closeNodes() {
    if (cluster != null) {
      cluster.close();
    }
    REDIS.resume(); // harmless when running; a failed pause test must not leave the server stopped
  }

  @Test
  void whileRedisDoesNotAnswerTheMutesLastKnownDecideSoSendsGoOn() {
    cluster = new TestCluster(REDIS, builder -> builder.operationTimeout(Duration.ofMillis(200)));
    RedisCluster n1 = cluster.node("n1");
    RedisCluster n2 = cluster.node("n2");
    n2.memberships().mute("alpha", "ann", true);
    assertThat(n1.memberships().isMuted("alpha", "ann")).as("read in Redis").isTrue();

    REDIS.pause();
    try {
      assertThat(n1.memberships().isMuted("alpha", "ann")).as("known here").isTrue();
      assertThat(n1.memberships().isMuted("alpha", "bob")).isFalse();
      assertThat(n2.memberships().isMuted("alpha", "ann")).as("the node that muted").isTrue();
    } finally {
      REDIS.resume();
    }
    n2.memberships().mute("alpha", "ann", false);
    assertThat(n1.memberships().isMuted("alpha", "ann")).isFalse();
  }

  @Test
  void aRedisThatForgotTheScriptsGetsThemAgain() {
    cluster = new TestCluster(REDIS);
    RedisCluster n1 = cluster.node("n1");
    SessionDirectory.Opened before = n1.sessions().open(ANN, false, null);

    try (LettuceClients.OwnedClient raw = LettuceClients.create(REDIS.uri(), Duration.ofSeconds(1));
        StatefulRedisConnection<String, String> connection = raw.client().connect()) {
      assertThat(connection.sync().scriptFlush()).isEqualTo("OK");
    }

    SessionDirectory.Opened resumed = n1.sessions().open(ANN, false, before.token());
    assertThat(resumed.resumed()).isTrue();
    assertThat(n1.memberships().join("alpha", resumed.sessionId(), ANN).version()).isEqualTo(1);
  }

  @Test
  void afterARestartTheNodesWorkAgainAndCatchUpOnceResubscribed() throws InterruptedException {
    cluster = new TestCluster(REDIS, builder -> builder.operationTimeout(Duration.ofMillis(200)).lease(Duration.ofSeconds(1)));
    RedisCluster n1 = cluster.node("n1");
    RedisCluster n2 = cluster.node("n2");
    n2.bus().follow("general");
    n2.bus().followUser("ann");

    REDIS.restart();

    // n2 catches up once its pub/sub connection is back and resubscribed: the restarted Redis is empty,
    // so a lease after it registered again (RedisRecoveryTest).
    List<Event> events = cluster.events(n2).until(event -> event.kind().equals("catchUp"));
    assertThat(events).last().extracting(Event::thread).isEqualTo("natter-redis-n2-events");
    assertThat(n2.stats().catchUps()).isEqualTo(1);
    assertThat(n2.stats().dataLosses()).isEqualTo(1);
    // n1's commands come back too, and its scripts are loaded into the new Redis on their first use.
    SessionDirectory.Opened opened = eventually(() -> n1.sessions().open(ANN, false, null));
    assertThat(opened.resumed()).isFalse();
    assertThat(n1.memberships().join("general", opened.sessionId(), ANN).version()).isEqualTo(1);
    // n2 hears n1 again, on the room's and the user's channels.
    n1.bus().publish(message("general", 1, "after"));
    assertThat(cluster.events(n2).until(event -> event.kind().equals("message")))
        .last().extracting(Event::value).isEqualTo(message("general", 1, "after"));
    n1.sessions().disconnect("ann");
    assertThat(cluster.events(n2).until(event -> event.kind().equals("disconnected")))
        .last().extracting(Event::value).isEqualTo("ann");
  }

  @Test
  void whileRedisIsPausedCallsFailWithInternalAndPublishDoesNotThrowThenAllWorksAgain() {
    cluster = new TestCluster(REDIS, Duration.ofMillis(300));
    RedisCluster n1 = cluster.node("n1");
    SessionDirectory.Opened opened = n1.sessions().open(ANN, false, null);

    REDIS.pause();
    try {
      // First, so that its timeout has long passed when Redis goes on: it is lost, and counted.
      n1.bus().publish(message("alpha", 1, "lost"));
      assertInternal(() -> n1.sessions().open(ANN, false, null));
      assertInternal(() -> n1.sessions().detach(opened.sessionId(), opened.token()));
      assertInternal(() -> n1.sessions().end(opened.sessionId(), opened.token(), Presence.Reason.LEFT));
      assertInternal(() -> n1.sessions().disconnect("ann"));
      assertInternal(() -> n1.sessions().knownUser("ann"));
      assertInternal(() -> n1.sessions().onlineUsers());
      assertInternal(() -> n1.memberships().join("alpha", opened.sessionId(), ANN));
      assertInternal(() -> n1.memberships().leave("alpha", opened.sessionId(), Presence.Reason.LEFT));
      assertInternal(() -> n1.memberships().kick("alpha", "ann"));
      assertInternal(() -> n1.memberships().members("alpha"));
      assertInternal(() -> n1.memberships().memberCounts());
      assertInternal(() -> n1.memberships().mute("alpha", "ann", true));
      assertThat(n1.memberships().isMuted("alpha", "ann")).as("answered from the mutes known here").isFalse();
      assertInternal(() -> n1.bus().follow("alpha"));
      assertInternal(() -> n1.bus().followUser("ann"));
      n1.bus().unfollow("alpha");
    } finally {
      REDIS.resume();
    }

    // None of the calls that failed took effect when Redis went on (each script had a deadline):
    // the first session lives, in no room, and the failed open opened nothing.
    SessionDirectory.Opened fresh = n1.sessions().open(ANN, false, null);
    n1.bus().follow("alpha");
    assertThat(n1.memberships().join("alpha", fresh.sessionId(), ANN))
        .isEqualTo(new MembershipDirectory.Joined(List.of(ANN), 1, new PresenceChange(Presence.join("alpha", ANN), 1)));
    assertThat(n1.memberships().isMuted("alpha", "ann")).isFalse();
    assertThat(n1.sessions().detach(opened.sessionId(), opened.token())).isTrue();
    assertThat(n1.sessions().disconnect("ann").ended()).isEqualTo(2);
    assertThat(n1.stats().publishFailures()).isEqualTo(1);
  }

  @Test
  void aNodeThatCannotRenewItsLeaseStopsStoringUntilItRenewsAgain() throws InterruptedException {
    cluster = new TestCluster(REDIS, builder -> builder.operationTimeout(Duration.ofMillis(200)).lease(Duration.ofSeconds(1)));
    RedisCluster n1 = cluster.node("n1");
    n1.checkWritable();

    REDIS.pause();
    try {
      TestCluster.await(() -> refusesToStore(n1), "the node to fence");
    } finally {
      REDIS.resume();
    }

    TestCluster.await(() -> !refusesToStore(n1), "the node to renew and store again");
  }

  private static boolean refusesToStore(RedisCluster node) {
    try {
      node.checkWritable();
      return false;
    } catch (ChatException e) {
      assertThat(e.code()).isEqualTo(ChatStatus.Code.INTERNAL);
      return true;
    }
  }

  private static void assertInternal(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ChatStatus.Code.INTERNAL));
  }

  /** Calls until the call stops failing with {@code internal} (Redis reconnecting), within the deadline. */
  private static <T> T eventually(Supplier<T> call) throws InterruptedException {
    long deadline = System.nanoTime() + Recorder.DEADLINE.toNanos();
    while (true) {
      try {
        return call.get();
      } catch (ChatException e) {
        assertThat(e.code()).isEqualTo(ChatStatus.Code.INTERNAL);
        assertThat(System.nanoTime() - deadline).as("waiting for Redis to answer again: " + e).isNegative();
        Thread.sleep(20);
      }
    }
  }
}
