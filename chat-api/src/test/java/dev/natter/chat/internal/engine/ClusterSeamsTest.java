package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatServer;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.tck.ForwardingStore;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.spi.cluster.MembershipDirectory;
import dev.natter.chat.spi.cluster.PresenceChange;
import dev.natter.chat.spi.cluster.SessionDirectory;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The engine through its cluster seams: what it asks the cluster, and what it does with what the cluster
 * tells it of other nodes (changes out of order, messages, takeovers, disconnects, failures).
 */
class ClusterSeamsTest extends EngineTestSupport {
  private static final User CAROL_USER = new User("carol", "carol");

  private final List<String> followed = new CopyOnWriteArrayList<>();
  private final List<SessionDirectory.Opened> opened = new CopyOnWriteArrayList<>();
  private volatile boolean writable = true;
  private volatile boolean joinsFail;
  private volatile MembershipDirectory.Snapshot snapshotOverride;

  private final ForwardingCluster cluster = new ForwardingCluster() {
    @Override
    public void checkWritable() {
      if (!writable) {
        throw ChatStatus.of(Code.INTERNAL, "fenced").asException();
      }
    }

    @Override
    public SessionDirectory sessions() {
      SessionDirectory real = delegate.sessions();
      return new SessionDirectoryProxy(real) {
        @Override
        public Opened open(User user, boolean exclusive, String resumeToken) {
          Opened result = real.open(user, exclusive, resumeToken);
          opened.add(result);
          return result;
        }
      };
    }

    @Override
    public MembershipDirectory memberships() {
      MembershipDirectory real = delegate.memberships();
      return new MembershipDirectoryProxy(real) {
        @Override
        public Joined join(String room, String sessionId, User user) {
          if (joinsFail) {
            throw ChatStatus.of(Code.INTERNAL, "directory unreachable").asException();
          }
          return real.join(room, sessionId, user);
        }

        @Override
        public Snapshot members(String room) {
          Snapshot override = snapshotOverride;
          return override != null ? override : real.members(room);
        }
      };
    }

    @Override
    public dev.natter.chat.spi.cluster.MessageBus bus() {
      dev.natter.chat.spi.cluster.MessageBus real = delegate.bus();
      return new dev.natter.chat.spi.cluster.MessageBus() {
        @Override
        public void follow(String room) {
          followed.add("+" + room);
        }

        @Override
        public void unfollow(String room) {
          followed.add("-" + room);
        }

        @Override
        public void followUser(String userId) {
          followed.add("+@" + userId);
        }

        @Override
        public void unfollowUser(String userId) {
          followed.add("-@" + userId);
        }

        @Override
        public void publish(ChatMessage message) {
          real.publish(message);
        }
      };
    }
  };

  private final HistoryStore shared = HistoryStore.inMemory();

  @Override
  void configure(ChatServer.Builder builder) {
    builder.cluster(cluster);
  }

  @Override
  HistoryStore store() {
    return shared;
  }

  @Test
  void aClusterThatNeedsASharedStoreRefusesOneThatIsNot() {
    HistoryStore notShared = new ForwardingStore(HistoryStore.inMemory()) {
      @Override
      public boolean isShared() {
        return false;
      }
    };
    ChatServer.Builder builder = ChatServer.builder(transport).historyStore(notShared).cluster(cluster);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("isShared");
  }

  @Test
  void theServerStartsItsClusterAndClosesItOnce() {
    start();
    assertThat(cluster.listener).as("started with the engine's listener").isNotNull();

    server.close();
    server.close();

    assertThat(cluster.closes).hasValue(1);
  }

  @Test
  void aNodeThatShutsDownLeavesItsSessionsDetachedForTheirClientsToResumeElsewhere() {
    start();
    login("alice");
    join(login("bob"), "general");

    server.close();

    assertThat(cluster.delegate.sessions().onlineUsers()).as("no session attached to a node that left").isEmpty();
    assertThat(cluster.delegate.memberships().members("general").members())
        .as("still a member until the grace period ends elsewhere").containsExactly(BOB);
  }

  @Test
  void aRoomIsFollowedBeforeTheFirstJoinAndUnfollowedAfterTheLastLeave() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection bob = login("bob");
    assertThat(followed).containsExactly("+@alice", "+@bob");

    join(alice, "general");
    join(bob, "general");
    alice.next(ServerFrame.PresenceEvent.class);
    leave(alice, "general");
    assertThat(followed).as("bob is still in").containsExactly("+@alice", "+@bob", "+general");
    bob.next(ServerFrame.PresenceEvent.class);
    leave(bob, "general");

    assertThat(followed).containsExactly("+@alice", "+@bob", "+general", "-general");
  }

  @Test
  void aSendOnAFencedNodeIsRefusedWithInternalAndStoresNothing() {
    start();
    FakeConnection alice = login("alice");
    join(alice, "general");
    writable = false;

    expectError(alice, new ClientFrame.Send(id("send"), "general", null, "lost?", null), Code.INTERNAL);

    assertThat(shared.state("general").latestSeq()).isZero();
    writable = true;
    assertThat(send(alice, "general", "stored").ok().seq()).isEqualTo(1);
  }

  @Test
  void aJoinTheDirectoryCannotRecordIsRefusedWithInternalAndLeavesNoTrace() {
    start();
    FakeConnection alice = login("alice");
    joinsFail = true;

    expectError(alice, new ClientFrame.Join(id("join"), "general", null, null, null), Code.INTERNAL);

    assertThat(followed).as("followed for the attempt, then let go").endsWith("+general", "-general");
    expectError(alice, new ClientFrame.Send(id("send"), "general", null, "in?", null), Code.NOT_MEMBER);
    joinsFail = false;
    join(alice, "general");
  }

  @Test
  void changesFromOtherNodesReachTheMembersInVersionOrder() {
    start();
    FakeConnection alice = login("alice");
    join(alice, "general"); // version 1 in the directory
    PresenceChange bobJoins = new PresenceChange(Presence.join("general", BOB), 2);
    PresenceChange carolJoins = new PresenceChange(Presence.join("general", CAROL_USER), 3);

    cluster.listener.presenceArrived(carolJoins);
    cluster.listener.presenceArrived(bobJoins);
    cluster.listener.presenceArrived(bobJoins);

    assertThat(alice.next(ServerFrame.PresenceEvent.class).presence()).isEqualTo(bobJoins.presence());
    assertThat(alice.next(ServerFrame.PresenceEvent.class).presence()).isEqualTo(carolJoins.presence());
    assertNothingElseSent(alice);
  }

  @Test
  void aHoleInTheVersionsIsFilledFromTheDirectorysSnapshot() {
    start();
    FakeConnection alice = login("alice");
    join(alice, "general"); // version 1
    snapshotOverride = new MembershipDirectory.Snapshot(List.of(ALICE, CAROL_USER), 3);

    // Version 2 (bob joined) and 3 (bob left, carol joined... as the snapshot has it) never arrive;
    // version 4 does, and waits for them.
    cluster.listener.presenceArrived(new PresenceChange(Presence.join("general", BOB), 4));

    assertThat(alice.next(ServerFrame.PresenceEvent.class).presence())
        .as("the difference to the snapshot").isEqualTo(Presence.join("general", CAROL_USER));
    assertThat(alice.next(ServerFrame.PresenceEvent.class).presence())
        .as("then what was held").isEqualTo(Presence.join("general", BOB));
  }

  @Test
  void messagesFromOtherNodesAreDeliveredInSeqOrderOnceEach() {
    start();
    FakeConnection alice = login("alice");
    join(alice, "general");
    ChatMessage first = storedElsewhere("general", "one");
    ChatMessage second = storedElsewhere("general", "two");

    cluster.listener.messageArrived(second);
    cluster.listener.messageArrived(first);
    cluster.listener.messageArrived(second);

    assertThat(nextMessage(alice)).isEqualTo(first);
    assertThat(nextMessage(alice)).isEqualTo(second);
    assertNothingElseSent(alice);
  }

  @Test
  void aSessionResumedOnAnotherNodeIsClosedWith4002AndLeavesNobody() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection bob = login("bob");
    join(alice, "general");
    join(bob, "general");
    alice.next(ServerFrame.PresenceEvent.class);
    String bobsSession = opened.get(1).sessionId();

    cluster.listener.sessionTakenOver(bobsSession);

    assertThat(bob.awaitClose().code()).isEqualTo(CloseCodes.SESSION_TAKEN_OVER);
    assertNothingElseSent(alice);
    assertThat(followed).as("alice still follows the room").doesNotContain("-general");
  }

  @Test
  void sessionsTheClusterLostAreClosedWith1001AndForgottenWithoutAPresence() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection bob = login("bob");
    join(alice, "general");
    join(bob, "general");
    alice.next(ServerFrame.PresenceEvent.class);
    String bobsSession = opened.get(1).sessionId();

    cluster.listener.sessionsLost(List.of(bobsSession, "not-a-session-of-this-node"));

    assertThat(bob.awaitClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
    assertNothingElseSent(alice);
    assertThat(followed).as("alice still follows the room").doesNotContain("-general");
    assertThat(followed).as("bob had no other session here").endsWith("-@bob");
  }

  @Test
  void aUserDisconnectedByAnotherNodeIsClosedHereWith4003() {
    start();
    FakeConnection bob = login("bob");

    cluster.listener.userDisconnected("bob");

    assertThat(bob.awaitClose().code()).isEqualTo(CloseCodes.KICKED);
    assertThat(followed).endsWith("-@bob");
  }

  @Test
  void aDirectMessageFromAnotherNodeReachesTheRecipientsSessionsHereFromItsFirstArrival() {
    start();
    storedElsewhere(CAROL_USER, BOB, "before bob came: history");
    FakeConnection bob = login("bob");
    ChatMessage first = storedElsewhere(CAROL_USER, BOB, "one");
    ChatMessage second = storedElsewhere(CAROL_USER, BOB, "two");
    ChatMessage notForBob = storedElsewhere(CAROL_USER, ALICE, "not for bob");

    cluster.listener.messageArrived(notForBob);
    cluster.listener.messageArrived(first);
    cluster.listener.messageArrived(second);
    cluster.listener.messageArrived(first);

    assertThat(nextMessage(bob)).isEqualTo(first);
    assertThat(nextMessage(bob)).isEqualTo(second);
    assertNothingElseSent(bob);
  }

  @Test
  void aDirectConversationIsForgottenWhenNeitherUserIsHereAndStartsAfreshAtTheNextArrival() {
    start();
    FakeConnection bob = login("bob");
    cluster.listener.messageArrived(storedElsewhere(CAROL_USER, BOB, "one"));
    nextMessage(bob);
    bob.clientClose(CloseCodes.NORMAL);
    awaitFollowed("-@bob");
    storedElsewhere(CAROL_USER, BOB, "while bob was away");

    FakeConnection bobAgain = login("bob");
    ChatMessage after = storedElsewhere(CAROL_USER, BOB, "after");
    cluster.listener.messageArrived(after);

    assertThat(nextMessage(bobAgain)).as("not the message bob missed, which is history").isEqualTo(after);
    assertNothingElseSent(bobAgain);
  }

  private void awaitFollowed(String entry) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (!followed.contains(entry)) {
      assertThat(System.nanoTime()).as("waiting for %s in %s", entry, followed).isLessThan(deadline);
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // paces the polling
    }
  }

  private ChatMessage storedElsewhere(User from, User to, String text) {
    return shared.append(new HistoryStore.NewMessage(dev.natter.chat.Rooms.direct(from.id(), to.id()),
        "mid-" + text, from, to, text, Instant.now(), null)).join();
  }

  // A message as another node would have stored it in the shared store.
  private ChatMessage storedElsewhere(String room, String text) {
    return shared.append(new HistoryStore.NewMessage(room, "mid-" + text, CAROL_USER, null, text,
        Instant.now(), null)).join();
  }

  private void leave(FakeConnection connection, String room) {
    String id = id("leave");
    connection.receive(new ClientFrame.Leave(id, room));
    assertThat(connection.next()).isEqualTo(new ServerFrame.Ok(id));
  }

  /** Forwards every call; a test overrides what it bends. */
  private static class SessionDirectoryProxy implements SessionDirectory {
    private final SessionDirectory real;

    SessionDirectoryProxy(SessionDirectory real) {
      this.real = real;
    }

    @Override
    public Opened open(User user, boolean exclusive, String resumeToken) {
      return real.open(user, exclusive, resumeToken);
    }

    @Override
    public boolean detach(String sessionId, String token) {
      return real.detach(sessionId, token);
    }

    @Override
    public Ended end(String sessionId, String token, Presence.Reason reason) {
      return real.end(sessionId, token, reason);
    }

    @Override
    public Ended disconnect(String userId) {
      return real.disconnect(userId);
    }

    @Override
    public Optional<User> knownUser(String userId) {
      return real.knownUser(userId);
    }

    @Override
    public List<User> onlineUsers() {
      return real.onlineUsers();
    }
  }

  /** Forwards every call; a test overrides what it bends. */
  private static class MembershipDirectoryProxy implements MembershipDirectory {
    private final MembershipDirectory real;

    MembershipDirectoryProxy(MembershipDirectory real) {
      this.real = real;
    }

    @Override
    public Joined join(String room, String sessionId, User user) {
      return real.join(room, sessionId, user);
    }

    @Override
    public PresenceChange leave(String room, String sessionId, Presence.Reason reason) {
      return real.leave(room, sessionId, reason);
    }

    @Override
    public PresenceChange kick(String room, String userId) {
      return real.kick(room, userId);
    }

    @Override
    public Snapshot members(String room) {
      return real.members(room);
    }

    @Override
    public java.util.Map<String, Integer> memberCounts() {
      return real.memberCounts();
    }

    @Override
    public void mute(String room, String userId, boolean muted) {
      real.mute(room, userId, muted);
    }

    @Override
    public boolean isMuted(String room, String userId) {
      return real.isMuted(room, userId);
    }
  }
}
