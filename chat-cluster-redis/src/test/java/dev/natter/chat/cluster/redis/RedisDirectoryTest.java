package dev.natter.chat.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.spi.cluster.MembershipDirectory;
import dev.natter.chat.spi.cluster.PresenceChange;
import dev.natter.chat.spi.cluster.SessionDirectory;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The directories' scripts on a real Redis, through two nodes: the semantics of chat-api's in-memory
 * {@code MemoryDirectory}, whichever node asks.
 */
class RedisDirectoryTest {
  @RegisterExtension static final RedisServer REDIS = new RedisServer();

  private static final User ANN = new User("ann", "Ann");
  private static final User BOB = new User("bob", "Bob");
  private static final User CID = new User("cid", "Cid");

  private TestCluster cluster;
  private RedisCluster n1;
  private RedisCluster n2;

  @BeforeEach
  void startNodes() {
    cluster = new TestCluster(REDIS);
    n1 = cluster.node("n1");
    n2 = cluster.node("n2");
  }

  @AfterEach
  void closeNodes() {
    cluster.close();
  }

  // ---- sessions ----

  @Test
  void openGivesEachSessionItsOwnIdAndA128BitUrlSafeToken() {
    SessionDirectory.Opened first = n1.sessions().open(ANN, false, null);
    SessionDirectory.Opened second = n2.sessions().open(ANN, false, null);

    assertThat(first.resumed()).isFalse();
    assertThat(first.rooms()).isEmpty();
    assertThat(second.sessionId()).isNotEqualTo(first.sessionId());
    assertThat(second.token()).isNotEqualTo(first.token());
    assertThat(first.token()).matches("[A-Za-z0-9_-]{22}");
    assertThat(Base64.getUrlDecoder().decode(first.token())).hasSize(16);
  }

  @Test
  void anExclusiveNameHeldOnAnyNodeIsTakenUntilItsSessionEnds() {
    SessionDirectory.Opened held = n1.sessions().open(ANN, true, null);

    assertThatThrownBy(() -> n2.sessions().open(ANN, true, null))
        .isInstanceOfSatisfying(ChatException.class,
            e -> assertThat(e.code()).isEqualTo(ChatStatus.Code.NAME_TAKEN));
    // Detached, the session still holds the name.
    assertThat(n1.sessions().detach(held.sessionId(), held.token())).isTrue();
    assertThatThrownBy(() -> n2.sessions().open(ANN, true, null)).isInstanceOf(ChatException.class);

    n1.sessions().end(held.sessionId(), held.token(), Presence.Reason.LEFT);

    assertThat(n2.sessions().open(ANN, true, null).resumed()).isFalse();
  }

  @Test
  void anExclusiveUserResumesTheirOwnSession() {
    SessionDirectory.Opened held = n1.sessions().open(ANN, true, null);

    SessionDirectory.Opened resumed = n2.sessions().open(ANN, true, held.token());

    assertThat(resumed.resumed()).isTrue();
    assertThat(resumed.sessionId()).isEqualTo(held.sessionId());
  }

  @Test
  void aResumeOnAnotherNodeKeepsTheSessionAndItsRoomsWithANewToken() {
    SessionDirectory.Opened opened = n1.sessions().open(ANN, false, null);
    n1.memberships().join("alpha", opened.sessionId(), ANN);
    n1.memberships().join("beta", opened.sessionId(), ANN);
    n1.sessions().detach(opened.sessionId(), opened.token());

    SessionDirectory.Opened resumed = n2.sessions().open(ANN, false, opened.token());

    assertThat(resumed.resumed()).isTrue();
    assertThat(resumed.sessionId()).isEqualTo(opened.sessionId());
    assertThat(resumed.token()).isNotEqualTo(opened.token());
    assertThat(resumed.rooms()).containsExactlyInAnyOrder("alpha", "beta");
    // Each token works once: the old one now opens a new session.
    SessionDirectory.Opened again = n1.sessions().open(ANN, false, opened.token());
    assertThat(again.resumed()).isFalse();
    assertThat(again.sessionId()).isNotEqualTo(opened.sessionId());
    // The members did not change.
    assertThat(n1.memberships().members("alpha")).isEqualTo(new MembershipDirectory.Snapshot(List.of(ANN), 1));
  }

  @Test
  void anotherUsersTokenOpensANewSessionAndLeavesTheOwnersAlone() {
    SessionDirectory.Opened anns = n1.sessions().open(ANN, false, null);

    SessionDirectory.Opened bobs = n2.sessions().open(BOB, false, anns.token());

    assertThat(bobs.resumed()).isFalse();
    assertThat(bobs.sessionId()).isNotEqualTo(anns.sessionId());
    assertThat(n1.sessions().open(ANN, false, anns.token()).sessionId()).isEqualTo(anns.sessionId());
  }

  @Test
  void anUnknownTokenOpensANewSession() {
    SessionDirectory.Opened opened = n1.sessions().open(ANN, true, "no-such-token");

    assertThat(opened.resumed()).isFalse();
  }

  @Test
  void detachNeedsTheCurrentTokenOfASessionThatLives() {
    SessionDirectory.Opened opened = n1.sessions().open(ANN, false, null);
    SessionDirectory.Opened resumed = n2.sessions().open(ANN, false, opened.token());

    assertThat(n1.sessions().detach(opened.sessionId(), opened.token())).isFalse();
    assertThat(n2.sessions().detach(resumed.sessionId(), resumed.token())).isTrue();
    assertThat(n2.sessions().detach(resumed.sessionId(), resumed.token())).isTrue();
    n2.sessions().end(resumed.sessionId(), resumed.token(), Presence.Reason.DISCONNECT);
    assertThat(n2.sessions().detach(resumed.sessionId(), resumed.token())).isFalse();
    assertThat(n2.sessions().detach("no-such-session", "no-token")).isFalse();
  }

  @Test
  void endWithAStaleTokenEndsNothingAndWithTheCurrentOneLeavesTheRoomsOnce() {
    SessionDirectory.Opened opened = n1.sessions().open(ANN, false, null);
    n1.memberships().join("alpha", opened.sessionId(), ANN);
    n1.memberships().join("beta", opened.sessionId(), ANN);
    SessionDirectory.Opened other = n2.sessions().open(ANN, false, null);
    n2.memberships().join("beta", other.sessionId(), ANN); // Ann stays in beta through this one
    SessionDirectory.Opened resumed = n2.sessions().open(ANN, false, opened.token());

    assertThat(n1.sessions().end(opened.sessionId(), opened.token(), Presence.Reason.DISCONNECT))
        .isEqualTo(SessionDirectory.Ended.NOTHING);

    SessionDirectory.Ended ended = n2.sessions().end(resumed.sessionId(), resumed.token(), Presence.Reason.DISCONNECT);

    assertThat(ended).isEqualTo(new SessionDirectory.Ended(1,
        List.of(new PresenceChange(Presence.leave("alpha", ANN, Presence.Reason.DISCONNECT), 2))));
    assertThat(n1.sessions().end(resumed.sessionId(), resumed.token(), Presence.Reason.LEFT))
        .isEqualTo(SessionDirectory.Ended.NOTHING);
    assertThat(n1.memberships().members("beta").members()).containsExactly(ANN);
    // The ended session's token no longer resumes.
    assertThat(n1.sessions().open(ANN, false, resumed.token()).resumed()).isFalse();
  }

  @Test
  void endListsTheChangesOfEveryRoomWithTheGivenReason() {
    SessionDirectory.Opened opened = n1.sessions().open(ANN, false, null);
    for (String room : List.of("gamma", "alpha", "beta")) {
      n1.memberships().join(room, opened.sessionId(), ANN);
    }

    SessionDirectory.Ended ended = n2.sessions().end(opened.sessionId(), opened.token(), Presence.Reason.LEFT);

    assertThat(ended.ended()).isEqualTo(1);
    assertThat(ended.changes()).extracting(change -> change.presence().room())
        .containsExactlyInAnyOrder("alpha", "beta", "gamma");
    assertThat(ended.changes()).allSatisfy(change -> {
      assertThat(change.presence()).isEqualTo(Presence.leave(change.presence().room(), ANN, Presence.Reason.LEFT));
      assertThat(change.version()).isEqualTo(2);
    });
    assertThat(n1.memberships().memberCounts()).isEmpty();
  }

  @Test
  void disconnectEndsEverySessionOfTheUserOnEveryNodeInTheOrderTheyWereOpened() {
    SessionDirectory.Opened first = n1.sessions().open(ANN, false, null);
    SessionDirectory.Opened second = n2.sessions().open(ANN, false, null);
    SessionDirectory.Opened bobs = n2.sessions().open(BOB, false, null);
    n1.memberships().join("alpha", first.sessionId(), ANN);
    n2.memberships().join("beta", second.sessionId(), ANN);
    n2.memberships().join("alpha", second.sessionId(), ANN);
    n2.memberships().join("alpha", bobs.sessionId(), BOB);

    SessionDirectory.Ended ended = n1.sessions().disconnect("ann");

    // The first session leaves alpha while the second is still there; the second leaves both.
    assertThat(ended).isEqualTo(new SessionDirectory.Ended(2, List.of(
        new PresenceChange(Presence.leave("alpha", ANN, Presence.Reason.KICKED), 3),
        new PresenceChange(Presence.leave("beta", ANN, Presence.Reason.KICKED), 2))));
    assertThat(n2.sessions().detach(second.sessionId(), second.token())).isFalse();
    assertThat(n2.memberships().members("alpha")).isEqualTo(new MembershipDirectory.Snapshot(List.of(BOB), 3));
    assertThat(n2.sessions().disconnect("ann")).isEqualTo(SessionDirectory.Ended.NOTHING);
    assertThat(n2.sessions().disconnect("nobody")).isEqualTo(SessionDirectory.Ended.NOTHING);
  }

  @Test
  void aUserIsKnownOnceTheyOpenedASessionUnderTheirLatestName() {
    assertThat(n1.sessions().knownUser("ann")).isEmpty();

    SessionDirectory.Opened opened = n2.sessions().open(ANN, false, null);
    n2.sessions().end(opened.sessionId(), opened.token(), Presence.Reason.LEFT);

    assertThat(n1.sessions().knownUser("ann")).isEqualTo(Optional.of(ANN));
    n1.sessions().open(new User("ann", "Annie"), false, null);
    assertThat(n2.sessions().knownUser("ann")).contains(new User("ann", "Annie"));
  }

  @Test
  void theOnlineUsersAreThoseWithAnAttachedSessionSortedById() {
    SessionDirectory.Opened cids = n1.sessions().open(CID, false, null);
    SessionDirectory.Opened anns = n2.sessions().open(ANN, false, null);
    SessionDirectory.Opened bobs = n1.sessions().open(BOB, false, null);
    n2.sessions().open(new User("bob", "Bobby"), false, null);

    // Bob twice: once, with the name of his oldest session.
    assertThat(n1.sessions().onlineUsers()).containsExactly(ANN, BOB, CID);

    n2.sessions().detach(anns.sessionId(), anns.token());
    n1.sessions().end(cids.sessionId(), cids.token(), Presence.Reason.LEFT);
    n1.sessions().detach(bobs.sessionId(), bobs.token());

    assertThat(n2.sessions().onlineUsers()).containsExactly(BOB);

    n1.sessions().open(ANN, false, anns.token());

    assertThat(n2.sessions().onlineUsers()).containsExactly(ANN, BOB);
  }

  // ---- memberships ----

  @Test
  void theFirstSessionOfAUserInARoomJoinsItAndEachMemberChangeTakesTheNextVersion() {
    SessionDirectory.Opened ann1 = n1.sessions().open(ANN, false, null);
    SessionDirectory.Opened ann2 = n2.sessions().open(ANN, false, null);
    SessionDirectory.Opened bob = n2.sessions().open(BOB, false, null);

    MembershipDirectory.Joined first = n1.memberships().join("alpha", ann1.sessionId(), ANN);
    MembershipDirectory.Joined second = n2.memberships().join("alpha", ann2.sessionId(), ANN);
    MembershipDirectory.Joined again = n2.memberships().join("alpha", ann2.sessionId(), ANN);
    MembershipDirectory.Joined bobs = n2.memberships().join("alpha", bob.sessionId(), BOB);

    assertThat(first).isEqualTo(new MembershipDirectory.Joined(List.of(ANN), 1,
        new PresenceChange(Presence.join("alpha", ANN), 1)));
    assertThat(second).isEqualTo(new MembershipDirectory.Joined(List.of(ANN), 1, null));
    assertThat(again).isEqualTo(second);
    assertThat(bobs).isEqualTo(new MembershipDirectory.Joined(List.of(ANN, BOB), 2,
        new PresenceChange(Presence.join("alpha", BOB), 2)));
    assertThat(n1.memberships().members("alpha")).isEqualTo(new MembershipDirectory.Snapshot(List.of(ANN, BOB), 2));
  }

  @Test
  void aJoinOfASessionThatEndedFailsWithInternal() {
    SessionDirectory.Opened opened = n1.sessions().open(ANN, false, null);
    n1.sessions().end(opened.sessionId(), opened.token(), Presence.Reason.LEFT);

    assertThatThrownBy(() -> n2.memberships().join("alpha", opened.sessionId(), ANN))
        .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ChatStatus.Code.INTERNAL));
    assertThat(n2.memberships().members("alpha")).isEqualTo(new MembershipDirectory.Snapshot(List.of(), 0));
  }

  @Test
  void theLastSessionOutLeavesWithItsReasonAndLeaveIsIdempotent() {
    SessionDirectory.Opened ann1 = n1.sessions().open(ANN, false, null);
    SessionDirectory.Opened ann2 = n2.sessions().open(ANN, false, null);
    n1.memberships().join("alpha", ann1.sessionId(), ANN);
    n2.memberships().join("alpha", ann2.sessionId(), ANN);

    assertThat(n1.memberships().leave("alpha", ann1.sessionId(), Presence.Reason.LEFT)).isNull();
    assertThat(n1.memberships().leave("alpha", ann1.sessionId(), Presence.Reason.LEFT)).isNull();
    assertThat(n2.memberships().leave("alpha", ann2.sessionId(), Presence.Reason.DISCONNECT))
        .isEqualTo(new PresenceChange(Presence.leave("alpha", ANN, Presence.Reason.DISCONNECT), 2));
    assertThat(n2.memberships().leave("alpha", ann2.sessionId(), Presence.Reason.LEFT)).isNull();
    assertThat(n2.memberships().leave("other", ann2.sessionId(), Presence.Reason.LEFT)).isNull();
    assertThat(n2.memberships().leave("alpha", "no-such-session", Presence.Reason.LEFT)).isNull();
    assertThat(n1.memberships().members("alpha")).isEqualTo(new MembershipDirectory.Snapshot(List.of(), 2));

    // The version goes on from where it was.
    assertThat(n1.memberships().join("alpha", ann1.sessionId(), ANN).version()).isEqualTo(3);
  }

  @Test
  void aKickTakesEverySessionOfTheUserOutOnce() {
    SessionDirectory.Opened ann1 = n1.sessions().open(ANN, false, null);
    SessionDirectory.Opened ann2 = n2.sessions().open(ANN, false, null);
    SessionDirectory.Opened bob = n2.sessions().open(BOB, false, null);
    n1.memberships().join("alpha", ann1.sessionId(), ANN);
    n2.memberships().join("alpha", ann2.sessionId(), ANN);
    n2.memberships().join("alpha", bob.sessionId(), BOB);

    assertThat(n2.memberships().kick("alpha", "ann"))
        .isEqualTo(new PresenceChange(Presence.leave("alpha", ANN, Presence.Reason.KICKED), 3));
    assertThat(n1.memberships().kick("alpha", "ann")).isNull();
    assertThat(n1.memberships().kick("nowhere", "ann")).isNull();

    assertThat(n1.memberships().members("alpha")).isEqualTo(new MembershipDirectory.Snapshot(List.of(BOB), 3));
    // Her sessions are out of the room: leaving or ending changes nothing there.
    assertThat(n1.memberships().leave("alpha", ann1.sessionId(), Presence.Reason.LEFT)).isNull();
    assertThat(n2.sessions().end(ann2.sessionId(), ann2.token(), Presence.Reason.LEFT).changes()).isEmpty();
    assertThat(n2.sessions().open(ANN, false, ann1.token()).rooms()).isEmpty();
    // She may join again.
    assertThat(n1.memberships().join("alpha", ann1.sessionId(), ANN).change())
        .isEqualTo(new PresenceChange(Presence.join("alpha", ANN), 4));
  }

  @Test
  void anUnknownRoomHasNoMembersAtVersionZero() {
    assertThat(n1.memberships().members("nowhere")).isEqualTo(new MembershipDirectory.Snapshot(List.of(), 0));
  }

  @Test
  void memberCountsCountUsersInRoomsThatHaveAnyButNotDirectRooms() {
    SessionDirectory.Opened ann1 = n1.sessions().open(ANN, false, null);
    SessionDirectory.Opened ann2 = n2.sessions().open(ANN, false, null);
    SessionDirectory.Opened bob = n2.sessions().open(BOB, false, null);
    n1.memberships().join("beta", ann1.sessionId(), ANN);
    n2.memberships().join("beta", ann2.sessionId(), ANN);
    n2.memberships().join("beta", bob.sessionId(), BOB);
    n2.memberships().join("alpha", bob.sessionId(), BOB);
    n2.memberships().join("gone", bob.sessionId(), BOB);
    n2.memberships().leave("gone", bob.sessionId(), Presence.Reason.LEFT);
    n1.memberships().join("dm:ann:bob", ann1.sessionId(), ANN);

    Map<String, Integer> counts = n1.memberships().memberCounts();

    assertThat(counts).containsExactly(Map.entry("alpha", 1), Map.entry("beta", 2));
    assertThat(n1.memberships().members("dm:ann:bob").members()).containsExactly(ANN);
  }

  @Test
  void mutesAreSharedAndOutliveSessions() {
    assertThat(n2.memberships().isMuted("alpha", "ann")).isFalse();

    n1.memberships().mute("alpha", "ann", true);
    n1.memberships().mute("alpha", "ann", true);

    assertThat(n2.memberships().isMuted("alpha", "ann")).isTrue();
    assertThat(n2.memberships().isMuted("beta", "ann")).isFalse();
    assertThat(n2.memberships().isMuted("alpha", "bob")).isFalse();

    n2.memberships().mute("alpha", "ann", false);

    assertThat(n1.memberships().isMuted("alpha", "ann")).isFalse();
  }

  @Test
  void directoriesOfDifferentPrefixesShareNothing() {
    try (TestCluster other = new TestCluster(REDIS)) {
      RedisCluster elsewhere = other.node("n1");
      SessionDirectory.Opened opened = n1.sessions().open(ANN, true, null);
      n1.memberships().join("alpha", opened.sessionId(), ANN);

      assertThat(elsewhere.sessions().open(ANN, true, opened.token()).resumed()).isFalse();
      assertThat(elsewhere.memberships().members("alpha").members()).isEmpty();
      assertThat(elsewhere.sessions().knownUser("bob")).isEmpty();
    }
  }

  @Test
  void theRoomsOfAResumedSessionAreItsOwn() {
    SessionDirectory.Opened opened = n1.sessions().open(ANN, false, null);
    SessionDirectory.Opened other = n1.sessions().open(ANN, false, null);
    n1.memberships().join("alpha", opened.sessionId(), ANN);
    n1.memberships().join("beta", other.sessionId(), ANN);

    assertThat(n2.sessions().open(ANN, false, opened.token()).rooms()).isEqualTo(Set.of("alpha"));
  }
}
