package dev.natter.chat.cluster.redis;

import static dev.natter.chat.cluster.redis.TestCluster.marker;
import static dev.natter.chat.cluster.redis.TestCluster.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.cluster.redis.Recorder.Event;
import dev.natter.chat.cluster.redis.internal.LettuceClients;
import dev.natter.chat.spi.cluster.PresenceChange;
import dev.natter.chat.spi.cluster.SessionDirectory;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bus and the notices between three nodes on one Redis: what a node hears, from whom, on which
 * thread. "Nothing else" is checked with a marker message sent after the action: a node hears the
 * publications of Redis in the order Redis made them, so what it did not hear before the marker it
 * never hears.
 */
class RedisBusTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();

  private static final User ANN = new User("ann", "Ann");
  private static final User ZOE = new User("zoë", "Zoë 名");

  private TestCluster cluster;
  private RedisCluster n1;
  private RedisCluster n2;
  private RedisCluster n3;

  @BeforeEach
  void startNodes() {
    cluster = new TestCluster(REDIS);
    n1 = cluster.node("n1");
    n2 = cluster.node("n2");
    n3 = cluster.node("n3");
  }

  @AfterEach
  void closeNodes() {
    cluster.close();
  }

  @Test
  void aFollowerOfARoomHearsTheMessagesOtherNodesPublishThere() throws InterruptedException {
    n2.bus().follow("general");
    ChatMessage sent = new ChatMessage("general", 7, "01MID", ZOE, null, "héllo 😀", Instant.ofEpochMilli(123_456), "c1");

    n1.bus().publish(sent);

    Event event = cluster.events(n2).next();
    assertThat(event.kind()).isEqualTo("message");
    assertThat(event.value()).isEqualTo(sent);
    assertThat(event.thread()).isEqualTo("natter-redis-n2-events");
    // n3 does not follow general: before the marker it heard nothing.
    String mid = marker(n1);
    assertThat(cluster.events(n3).untilMarker(mid)).isEmpty();
  }

  @Test
  void aNodeDoesNotHearItsOwnPublications() throws InterruptedException {
    n1.bus().follow("general");

    n1.bus().publish(message("general", 1, "own"));
    n1.memberships().members("general"); // a round trip on the same connection: the publish went first

    String mid = marker(n2);
    assertThat(cluster.events(n1).untilMarker(mid)).isEmpty();
  }

  @Test
  void afterUnfollowANodeHearsNothingMoreOfTheRoom() throws InterruptedException {
    n2.bus().follow("general");
    n1.bus().publish(message("general", 1, "before"));
    assertThat(cluster.events(n2).next().value()).isEqualTo(message("general", 1, "before"));

    n2.bus().unfollow("general");
    n2.bus().follow("other"); // confirmed after the unsubscription, on the same connection
    n1.bus().publish(message("general", 2, "after"));
    n1.bus().publish(message("other", 1, "other"));

    assertThat(cluster.events(n2).next().value()).isEqualTo(message("other", 1, "other"));
    n2.bus().unfollow("general"); // again: harmless
    n2.bus().unfollow("never-followed");
  }

  @Test
  void aDirectMessageGoesToTheFollowersOfEitherUser() throws InterruptedException {
    n2.bus().followUser("ann");
    n3.bus().followUser("zoë");
    ChatMessage direct = new ChatMessage("dm:ann:zoë", 3, "d1", ANN, ZOE, "psst", Instant.ofEpochMilli(5), null);

    n1.bus().publish(direct);

    assertThat(cluster.events(n2).next().value()).isEqualTo(direct);
    assertThat(cluster.events(n3).next().value()).isEqualTo(direct);
  }

  @Test
  void aNodeFollowingBothUsersHearsADirectMessageTwiceAndTheEngineDropsTheRepeat() throws InterruptedException {
    n2.bus().followUser("ann");
    n2.bus().followUser("zoë");
    ChatMessage direct = new ChatMessage("dm:ann:zoë", 3, "d1", ANN, ZOE, "psst", Instant.ofEpochMilli(5), null);

    n1.bus().publish(direct);

    assertThat(cluster.events(n2).next().value()).isEqualTo(direct);
    assertThat(cluster.events(n2).next().value()).isEqualTo(direct);
  }

  @Test
  void aPresenceChangeReachesTheRoomsFollowersOnOtherNodesWithItsVersion() throws InterruptedException {
    n2.bus().follow("général");
    n3.bus().follow("général");
    SessionDirectory.Opened zoe = n1.sessions().open(ZOE, false, null);
    SessionDirectory.Opened ann = n3.sessions().open(ANN, false, null);

    PresenceChange joined = n1.memberships().join("général", zoe.sessionId(), ZOE).change();
    PresenceChange annJoined = n3.memberships().join("général", ann.sessionId(), ANN).change();
    PresenceChange left = n1.memberships().leave("général", zoe.sessionId(), Presence.Reason.LEFT);

    String mid = marker(n1);
    assertThat(cluster.events(n2).untilMarker(mid)).extracting(Event::value).containsExactly(joined, annJoined, left);
    // n3 made the second change itself and hears only the others; n1 follows nothing but the markers.
    assertThat(cluster.events(n3).untilMarker(mid)).extracting(Event::value).containsExactly(joined, left);
    assertThat(joined).isEqualTo(new PresenceChange(Presence.join("général", ZOE), 1));
    assertThat(left.version()).isEqualTo(3);
  }

  @Test
  void theChangesOfAnEndAndOfAKickReachTheFollowers() throws InterruptedException {
    n2.bus().follow("alpha");
    n2.bus().follow("beta");
    SessionDirectory.Opened ann = n1.sessions().open(ANN, false, null);
    SessionDirectory.Opened zoe = n1.sessions().open(ZOE, false, null);
    n1.memberships().join("alpha", ann.sessionId(), ANN);
    n1.memberships().join("beta", ann.sessionId(), ANN);
    n1.memberships().join("alpha", zoe.sessionId(), ZOE);

    SessionDirectory.Ended ended = n1.sessions().end(ann.sessionId(), ann.token(), Presence.Reason.DISCONNECT);
    PresenceChange kicked = n3.memberships().kick("alpha", "zoë");

    String mid = marker(n3);
    List<Object> heard = cluster.events(n2).untilMarker(mid).stream().map(Event::value).toList();
    assertThat(heard.subList(3, heard.size())).containsExactly(ended.changes().get(0), ended.changes().get(1), kicked);
    assertThat(kicked).isEqualTo(new PresenceChange(Presence.leave("alpha", ZOE, Presence.Reason.KICKED), 4));
  }

  @Test
  void aResumeOnAnotherNodeTellsTheFormerOwnerOnly() throws InterruptedException {
    SessionDirectory.Opened opened = n1.sessions().open(ANN, false, null);

    SessionDirectory.Opened resumed = n2.sessions().open(ANN, false, opened.token());

    Event event = cluster.events(n1).next();
    assertThat(event.kind()).isEqualTo("takenOver");
    assertThat(event.value()).isEqualTo(opened.sessionId());
    assertThat(event.thread()).isEqualTo("natter-redis-n1-events");
    // A resume on the node that holds the session tells nobody.
    n2.sessions().open(ANN, false, resumed.token());
    String mid = marker(n3);
    assertThat(cluster.events(n1).untilMarker(mid)).isEmpty();
    assertThat(cluster.events(n2).untilMarker(mid)).isEmpty();
  }

  @Test
  void aDisconnectTellsTheOtherNodesFollowingTheUser() throws InterruptedException {
    n1.sessions().open(ANN, false, null);
    n2.sessions().open(ANN, false, null);
    n1.bus().followUser("ann");
    n2.bus().followUser("ann");

    assertThat(n2.sessions().disconnect("ann").ended()).isEqualTo(2);

    Event event = cluster.events(n1).next();
    assertThat(event.kind()).isEqualTo("disconnected");
    assertThat(event.value()).isEqualTo("ann");
    // The node that disconnected hears nothing; nobody hears about a user without sessions.
    n1.sessions().disconnect("ann");
    String mid = marker(n3);
    assertThat(cluster.events(n2).untilMarker(mid)).isEmpty();
    assertThat(cluster.events(n1).untilMarker(mid)).isEmpty();
  }

  @Test
  void anUndecodablePublicationIsDroppedAndCountedAndTheNextOneArrives() throws InterruptedException {
    n2.bus().follow("general");
    try (LettuceClients.OwnedClient raw = LettuceClients.create(REDIS.uri(), Duration.ofSeconds(1));
        StatefulRedisConnection<String, String> connection = raw.client().connect()) {
      connection.sync().publish(cluster.prefix + "r:general", "garbage, not a frame");
    }

    n1.bus().publish(message("general", 1, "valid"));

    assertThat(cluster.events(n2).next().value()).isEqualTo(message("general", 1, "valid"));
    assertThat(n2.stats().undecodable()).isEqualTo(1);
    assertThat(n2.stats().received()).isEqualTo(1);
  }

  @Test
  void publishCountsWhatRedisTook() throws InterruptedException {
    n2.bus().follow("general");

    n1.bus().publish(message("general", 1, "one"));
    cluster.events(n2).next();
    n1.memberships().members("general"); // the publish's answer came first, and was counted

    assertThat(n1.stats().published()).isEqualTo(1);
    assertThat(n1.stats().publishFailures()).isZero();
  }
}
