package dev.natter.chat.tck.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.Presence;
import dev.natter.chat.Rooms;
import dev.natter.chat.User;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.spi.cluster.MembershipDirectory;
import dev.natter.chat.spi.cluster.MembershipDirectory.Joined;
import dev.natter.chat.spi.cluster.MessageBus;
import dev.natter.chat.spi.cluster.PresenceChange;
import dev.natter.chat.spi.cluster.SessionDirectory;
import dev.natter.chat.spi.cluster.SessionDirectory.Ended;
import dev.natter.chat.spi.cluster.SessionDirectory.Opened;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Cluster} does, at the SPI level (no engine), written once and run against each
 * implementation: {@link Cluster#standalone()} (its single-node cases), the {@link InProcessCluster}
 * (which proves the contract is the in-memory directory's) and, from its own module, the cluster over
 * Redis. A subclass says how to make the nodes of a fresh cluster; the contract starts each with a
 * {@link RecordingClusterListener} and closes everything after the test.
 *
 * <p>It covers the {@link SessionDirectory} (ids, tokens, exclusive names, resume on the same node and
 * on another, stale tokens, end, disconnect, who is known and online), the {@link MembershipDirectory}
 * (join, leave and kick changes, versions growing by 1 per change across nodes, snapshots, counts,
 * mutes) and the {@link MessageBus} (who hears presence changes and published messages).
 *
 * <p>As the engine does, a test follows a user on a node when it opens a session of that user there,
 * and follows a room on a node before it expects that node to hear the room's traffic.
 *
 * <p>The bus promises neither order nor delivery, so tests assert what arrives, not in which order.
 * That a node hears <em>nothing</em> of something is checked after a barrier: another node publishes
 * a message the observer follows, and the observer waits for it. A correct cluster never fails such a
 * check; one that wrongly delivers is caught whenever it delivers in the order published (always, for
 * an implementation with one ordered subscription per node, as over Redis).
 *
 * <p>Every callback is also checked not to run on the test's thread, the one that makes every
 * directory call: the SPI promises callbacks never run on a directory caller's thread.
 */
public abstract class ClusterDirectoryContract {
  /** How long a test waits for something the cluster must deliver. */
  protected static final Duration TIMEOUT = Duration.ofSeconds(10);
  protected static final User ALICE = new User("alice", "Alice");
  protected static final User BOB = new User("bob", "Bob");
  protected static final User CAROL = new User("carol", "Carol");
  protected static final User DAVE = new User("dave", "Dave");
  private static final User BARRIER = new User("barrier", "barrier");

  /**
   * The nodes of one fresh cluster, sharing their state with each other and with nothing else.
   */
  public interface Nodes extends AutoCloseable {
    /** The nodes, not started: the contract starts each with its own listener. */
    List<Cluster> clusters();

    /** Releases what the nodes share; called after the contract closed every node. */
    @Override
    void close();

    /** Nodes whose shared state {@code shared} releases (a checked exception fails the test). */
    static Nodes of(List<Cluster> clusters, AutoCloseable shared) {
      List<Cluster> copy = List.copyOf(clusters);
      return new Nodes() {
        @Override
        public List<Cluster> clusters() {
          return copy;
        }

        @Override
        public void close() {
          try {
            shared.close();
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new IllegalStateException("could not release the nodes' shared state", e);
          }
        }
      };
    }
  }

  /**
   * A node as the tests use it: its cluster, started with a listener that records what it hears.
   *
   * @param cluster the node's cluster
   * @param heard what the node heard
   */
  protected record Node(Cluster cluster, RecordingClusterListener heard) {
    public SessionDirectory sessions() {
      return cluster.sessions();
    }

    public MembershipDirectory memberships() {
      return cluster.memberships();
    }

    public MessageBus bus() {
      return cluster.bus();
    }

    @Override
    public String toString() {
      return "node " + cluster.nodeId();
    }
  }

  /**
   * Makes the {@code count} nodes of a fresh cluster, not started. {@code count} is 1 when
   * {@link #multiNode()} is false.
   */
  protected abstract Nodes newNodes(int count) throws Exception;

  /**
   * Whether the cluster can have several nodes; the tests that need several are skipped otherwise
   * ({@link Cluster#standalone()}).
   */
  protected boolean multiNode() {
    return true;
  }

  private final List<Nodes> deployments = new ArrayList<>();
  private final List<Node> started = new ArrayList<>();
  /** The user each node follows already (the engine follows at the first local session). */
  private final Map<Node, Set<String>> followedUsers = new HashMap<>();
  private final Map<String, Long> seqs = new HashMap<>();
  private Thread testThread;
  private int barriers;
  private int mids;

  @BeforeEach
  void rememberTheTestThread() {
    testThread = Thread.currentThread();
  }

  @AfterEach
  void closeEverything() {
    try {
      for (Node node : started) {
        assertThat(node.heard().callbackThreads())
            .as("%s: threads of the listener's callbacks (never the directory caller's)", node)
            .doesNotContain(testThread);
      }
    } finally {
      for (Node node : started) {
        node.cluster().close();
      }
      for (Nodes nodes : deployments) {
        nodes.close();
      }
    }
  }

  // ---- the nodes ----

  @Test
  @DisplayName("a started node is writable, refuses a second start, and its close is idempotent")
  void startOnceCloseTwice() {
    Node a = startNodes(1).get(0);
    a.cluster().checkWritable();
    assertThatThrownBy(() -> a.cluster().start(new RecordingClusterListener()))
        .isInstanceOf(IllegalStateException.class);
    a.cluster().close();
    a.cluster().close();
  }

  @Test
  @DisplayName("the nodes of a cluster have distinct ids, none is the sole writer, all need a shared store")
  void nodesOfSeveral() {
    assumeTrue(multiNode(), "a cluster of one node");
    List<Node> nodes = startNodes(3);
    assertThat(nodes).extracting(node -> node.cluster().nodeId()).doesNotContainNull().doesNotHaveDuplicates();
    assertThat(nodes).allSatisfy(node -> {
      assertThat(node.cluster().soleWriter()).as("soleWriter of %s", node).isFalse();
      assertThat(node.cluster().requiresSharedStore()).as("requiresSharedStore of %s", node).isTrue();
    });
  }

  // ---- sessions ----

  @Test
  @DisplayName("open gives every session a distinct id and token")
  void openGivesDistinctIdsAndTokens() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Node b = last(nodes);
    List<Opened> opened = List.of(open(a, ALICE), open(b, BOB), open(b, ALICE), open(a, ALICE));

    assertThat(opened).allSatisfy(session -> {
      assertThat(session.resumed()).isFalse();
      assertThat(session.rooms()).isEmpty();
    });
    assertThat(opened).extracting(Opened::sessionId).doesNotHaveDuplicates();
    assertThat(opened).extracting(Opened::token).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("an exclusive user holds one session, on any node, until it ends (detached included)")
  void exclusiveRefusesASecondSessionAnywhere() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Node b = last(nodes);
    Opened first = open(a, ALICE, true, null);

    for (Node node : nodes) {
      assertNameTaken(() -> open(node, ALICE, true, null));
    }
    Opened bob = open(b, BOB, true, null);
    assertThat(bob.sessionId()).isNotEqualTo(first.sessionId());

    assertThat(a.sessions().detach(first.sessionId(), first.token())).isTrue();
    assertNameTaken(() -> open(b, ALICE, true, null));

    assertThat(a.sessions().end(first.sessionId(), first.token(), Presence.Reason.DISCONNECT).ended())
        .isEqualTo(1);
    Opened again = open(b, ALICE, true, null);
    assertThat(again.resumed()).isFalse();
  }

  @Test
  @DisplayName("a user may hold several sessions when not exclusive: one member of a room")
  void nonExclusiveAllowsSeveral() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Node b = last(nodes);
    Opened s1 = open(a, ALICE);
    Opened s2 = open(b, ALICE);
    Opened s3 = open(b, ALICE);
    assertThat(List.of(s1.sessionId(), s2.sessionId(), s3.sessionId())).doesNotHaveDuplicates();

    join(a, "general", s1, ALICE);
    join(b, "general", s2, ALICE);
    join(b, "general", s3, ALICE);
    assertThat(a.memberships().members("general").members()).containsExactly(ALICE);
  }

  @Test
  @DisplayName("resume on the same node: the same session with its rooms and a new token; the old one is spent")
  void resumeOnTheSameNode() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Opened opened = open(a, ALICE);
    join(a, "general", opened, ALICE);
    join(a, "random", opened, ALICE);

    Opened resumed = open(a, ALICE, false, opened.token());

    assertThat(resumed.sessionId()).isEqualTo(opened.sessionId());
    assertThat(resumed.resumed()).isTrue();
    assertThat(resumed.rooms()).containsExactlyInAnyOrder("general", "random");
    assertThat(resumed.token()).isNotEqualTo(opened.token());

    Opened withTheOldToken = open(a, ALICE, false, opened.token());
    assertThat(withTheOldToken.resumed()).isFalse();
    assertThat(withTheOldToken.sessionId()).isNotEqualTo(opened.sessionId());
    assertThat(withTheOldToken.rooms()).isEmpty();

    Opened withTheNewToken = open(a, ALICE, false, resumed.token());
    assertThat(withTheNewToken.sessionId()).isEqualTo(opened.sessionId());
    assertThat(withTheNewToken.resumed()).isTrue();
    if (multiNode()) {
      barrier(a);
      assertThat(a.heard().pendingTakenOver())
          .as("taken over, heard by the node that holds the session and resumed it: its engine would close the new connection")
          .isEmpty();
    }
  }

  @Test
  @DisplayName("resume with another user's token, or an unknown one, opens a new session and spends nothing")
  void resumeWithAForeignOrUnknownToken() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Node b = last(nodes);
    Opened alice = open(a, ALICE);
    join(a, "general", alice, ALICE);

    Opened bob = open(b, BOB, false, alice.token());
    assertThat(bob.resumed()).isFalse();
    assertThat(bob.sessionId()).isNotEqualTo(alice.sessionId());
    assertThat(bob.rooms()).isEmpty();

    Opened unknown = open(b, CAROL, true, "no-such-token");
    assertThat(unknown.resumed()).isFalse();
    assertThat(unknown.rooms()).isEmpty();
    assertThat(unknown.sessionId()).isNotIn(alice.sessionId(), bob.sessionId());

    Opened resumed = open(a, ALICE, false, alice.token());
    assertThat(resumed.resumed()).as("alice's token, tried by bob, still resumes alice").isTrue();
    assertThat(resumed.sessionId()).isEqualTo(alice.sessionId());
    assertThat(resumed.rooms()).containsExactly("general");
  }

  @Test
  @DisplayName("resume on another node moves the session: its old node hears it taken over, the new one does not")
  void resumeOnAnotherNode() {
    assumeTrue(multiNode(), "a cluster of one node");
    List<Node> nodes = startNodes(2);
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    Opened opened = open(a, ALICE);
    join(a, "general", opened, ALICE);

    Opened moved = open(b, ALICE, false, opened.token());

    assertThat(moved.sessionId()).isEqualTo(opened.sessionId());
    assertThat(moved.resumed()).isTrue();
    assertThat(moved.rooms()).containsExactly("general");
    assertThat(a.heard().takeTakenOver(TIMEOUT)).isEqualTo(opened.sessionId());
    barrier(b);
    assertThat(b.heard().pendingTakenOver()).as("taken over, heard by the node that resumed").isEmpty();

    assertThat(a.sessions().detach(opened.sessionId(), opened.token()))
        .as("the old node's detach, with the token it knew")
        .isFalse();
    assertThat(a.sessions().end(opened.sessionId(), opened.token(), Presence.Reason.DISCONNECT).ended())
        .as("the old node's end, with the token it knew")
        .isZero();
    assertThat(b.memberships().members("general").members()).containsExactly(ALICE);

    Opened back = open(a, ALICE, false, moved.token());
    assertThat(back.sessionId()).isEqualTo(opened.sessionId());
    assertThat(b.heard().takeTakenOver(TIMEOUT)).isEqualTo(opened.sessionId());
    barrier(a);
    assertThat(a.heard().pendingTakenOver()).isEmpty();
  }

  @Test
  @DisplayName("detach and end with a token issued before a resume do nothing")
  void staleTokensDoNothing() {
    Node a = startNodes(1).get(0);
    Opened opened = open(a, ALICE);
    PresenceChange joinedGeneral = join(a, "general", opened, ALICE).change();
    Opened resumed = open(a, ALICE, false, opened.token());

    assertThat(a.sessions().detach(opened.sessionId(), opened.token())).isFalse();
    assertThat(a.sessions().onlineUsers()).as("not detached").containsExactly(ALICE);
    Ended ended = a.sessions().end(opened.sessionId(), opened.token(), Presence.Reason.DISCONNECT);
    assertThat(ended.ended()).isZero();
    assertThat(ended.changes()).isEmpty();
    assertThat(a.memberships().members("general"))
        .isEqualTo(new MembershipDirectory.Snapshot(List.of(ALICE), joinedGeneral.version()));

    assertThat(a.sessions().detach("no-such-session", resumed.token())).isFalse();
    assertThat(a.sessions().end("no-such-session", resumed.token(), Presence.Reason.LEFT).ended()).isZero();
    assertThat(a.sessions().detach(opened.sessionId(), resumed.token())).as("with the current token").isTrue();
  }

  @Test
  @DisplayName("end of a detached session with its token leaves its rooms with the reason and spends the token")
  void endOfADetachedSession() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Node b = last(nodes);
    Opened alice = open(a, ALICE);
    join(a, "general", alice, ALICE); // general v1
    join(a, "random", alice, ALICE); // random v1
    Opened bob = open(b, BOB);
    join(b, "general", bob, BOB); // general v2

    assertThat(a.sessions().detach(alice.sessionId(), alice.token())).isTrue();
    Ended ended = a.sessions().end(alice.sessionId(), alice.token(), Presence.Reason.DISCONNECT);

    assertThat(ended.ended()).isEqualTo(1);
    assertThat(ended.changes()).containsExactlyInAnyOrder(
        new PresenceChange(Presence.leave("general", ALICE, Presence.Reason.DISCONNECT), 3),
        new PresenceChange(Presence.leave("random", ALICE, Presence.Reason.DISCONNECT), 2));
    assertThat(b.memberships().members("general"))
        .isEqualTo(new MembershipDirectory.Snapshot(List.of(BOB), 3));
    assertThat(b.memberships().members("random")).isEqualTo(new MembershipDirectory.Snapshot(List.of(), 2));

    assertThat(a.sessions().end(alice.sessionId(), alice.token(), Presence.Reason.DISCONNECT))
        .isEqualTo(Ended.NOTHING);
    Opened withTheToken = open(b, ALICE, false, alice.token());
    assertThat(withTheToken.resumed()).as("the token of an ended session").isFalse();
    assertThat(withTheToken.sessionId()).isNotEqualTo(alice.sessionId());
  }

  @Test
  @DisplayName("end of one of a user's sessions changes no room another of them is in")
  void endOfOneOfSeveralSessions() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Node b = last(nodes);
    Opened phone = open(a, ALICE);
    Opened laptop = open(b, ALICE);
    join(a, "general", phone, ALICE); // general v1
    join(b, "general", laptop, ALICE);
    join(a, "random", phone, ALICE); // random v1

    Ended ended = a.sessions().end(phone.sessionId(), phone.token(), Presence.Reason.LEFT);

    assertThat(ended.ended()).isEqualTo(1);
    assertThat(ended.changes())
        .containsExactly(new PresenceChange(Presence.leave("random", ALICE, Presence.Reason.LEFT), 2));
    assertThat(a.memberships().members("general"))
        .isEqualTo(new MembershipDirectory.Snapshot(List.of(ALICE), 1));
  }

  @Test
  @DisplayName("disconnect ends every session of a user on every node; the other nodes hear it")
  void disconnectEndsEverySession() {
    List<Node> nodes = startNodesUpTo(3);
    Node a = nodes.get(0);
    Node b = nodes.get(Math.min(1, nodes.size() - 1));
    Node c = last(nodes);
    Opened alice = open(a, ALICE);
    join(a, "general", alice, ALICE); // general v1
    Opened phone = open(b, BOB);
    Opened laptop = open(c, BOB);
    join(b, "general", phone, BOB); // general v2
    join(c, "general", laptop, BOB);
    join(b, "random", phone, BOB); // random v1
    Opened tablet = open(a, BOB); // so the caller's node holds one and follows bob too

    Ended ended = a.sessions().disconnect("bob");

    assertThat(ended.ended()).isEqualTo(3);
    assertThat(ended.changes()).containsExactlyInAnyOrder(
        new PresenceChange(Presence.leave("general", BOB, Presence.Reason.KICKED), 3),
        new PresenceChange(Presence.leave("random", BOB, Presence.Reason.KICKED), 2));
    assertThat(a.memberships().members("general"))
        .isEqualTo(new MembershipDirectory.Snapshot(List.of(ALICE), 3));
    assertThat(a.sessions().onlineUsers()).containsExactly(ALICE);
    assertThat(open(b, BOB, false, phone.token()).resumed()).isFalse();
    assertThat(open(c, BOB, false, laptop.token()).resumed()).isFalse();
    assertThat(open(a, BOB, false, tablet.token()).resumed()).isFalse();
    assertThat(a.sessions().disconnect("nobody").ended()).isZero();

    if (multiNode()) {
      assertThat(b.heard().takeDisconnected(TIMEOUT)).isEqualTo("bob");
      assertThat(c.heard().takeDisconnected(TIMEOUT)).isEqualTo("bob");
      barrier(a);
      assertThat(a.heard().pendingDisconnected()).as("the caller's node").isEmpty();
    }
  }

  @Test
  @DisplayName("a user who opened a session is known on every node")
  void knownUsers() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Node b = last(nodes);
    assertThat(b.sessions().knownUser("alice")).isEmpty();

    open(a, ALICE);

    assertThat(b.sessions().knownUser("alice")).contains(ALICE);
    assertThat(a.sessions().knownUser("alice")).contains(ALICE);
    assertThat(a.sessions().knownUser("bob")).isEmpty();
  }

  @Test
  @DisplayName("online users are those with an attached session, sorted by id, on every node")
  void onlineUsers() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Node b = last(nodes);
    assertThat(a.sessions().onlineUsers()).isEmpty();
    Opened carol = open(a, CAROL);
    Opened bob = open(b, BOB);
    Opened alicePhone = open(a, ALICE);
    Opened aliceLaptop = open(b, ALICE);
    assertThat(b.sessions().onlineUsers()).containsExactly(ALICE, BOB, CAROL);

    assertThat(b.sessions().detach(bob.sessionId(), bob.token())).isTrue();
    assertThat(a.sessions().detach(alicePhone.sessionId(), alicePhone.token())).isTrue();
    assertThat(a.sessions().onlineUsers()).as("bob detached, alice still attached on one session")
        .containsExactly(ALICE, CAROL);

    Opened bobBack = open(a, BOB, false, bob.token());
    assertThat(bobBack.resumed()).isTrue();
    assertThat(b.sessions().detach(aliceLaptop.sessionId(), aliceLaptop.token())).isTrue();
    a.sessions().end(carol.sessionId(), carol.token(), Presence.Reason.LEFT);
    assertThat(b.sessions().onlineUsers()).as("bob resumed, alice detached everywhere, carol ended")
        .containsExactly(BOB);
  }

  // ---- memberships ----

  @Test
  @DisplayName("the first session's join is a change: version 1 in a new room")
  void firstJoinIsAChange() {
    Node a = startNodes(1).get(0);
    Opened alice = open(a, ALICE);

    Joined joined = join(a, "general", alice, ALICE);

    assertThat(joined).isEqualTo(
        new Joined(List.of(ALICE), 1, new PresenceChange(Presence.join("general", ALICE), 1)));
    assertThat(a.memberships().members("general"))
        .isEqualTo(new MembershipDirectory.Snapshot(List.of(ALICE), 1));
  }

  @Test
  @DisplayName("another session of a member, or the same one again, joins with no change")
  void moreSessionsOfAMemberJoinWithNoChange() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Node b = last(nodes);
    Opened phone = open(a, ALICE);
    Opened laptop = open(b, ALICE);
    join(a, "general", phone, ALICE);

    assertThat(join(b, "general", laptop, ALICE)).isEqualTo(new Joined(List.of(ALICE), 1, null));
    assertThat(join(a, "general", phone, ALICE)).isEqualTo(new Joined(List.of(ALICE), 1, null));
    assertThat(b.memberships().members("general").version()).isEqualTo(1);
  }

  @Test
  @DisplayName("members are sorted by id, in join answers and snapshots")
  void membersSortedById() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Node b = last(nodes);
    join(a, "general", open(a, CAROL), CAROL);
    join(b, "general", open(b, ALICE), ALICE);

    Joined joined = join(a, "general", open(a, BOB), BOB);

    assertThat(joined.members()).containsExactly(ALICE, BOB, CAROL);
    assertThat(joined.version()).isEqualTo(3);
    assertThat(b.memberships().members("general"))
        .isEqualTo(new MembershipDirectory.Snapshot(List.of(ALICE, BOB, CAROL), 3));
  }

  @Test
  @DisplayName("only the leave of a user's last session is a change, at the next version; leave is idempotent")
  void onlyTheLastLeaveIsAChange() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Node b = last(nodes);
    Opened phone = open(a, ALICE);
    Opened laptop = open(b, ALICE);
    Opened bob = open(b, BOB);
    join(a, "general", phone, ALICE); // v1
    join(b, "general", laptop, ALICE);
    join(b, "general", bob, BOB); // v2

    assertThat(a.memberships().leave("general", phone.sessionId(), Presence.Reason.LEFT)).isNull();
    assertThat(a.memberships().members("general"))
        .isEqualTo(new MembershipDirectory.Snapshot(List.of(ALICE, BOB), 2));

    assertThat(b.memberships().leave("general", laptop.sessionId(), Presence.Reason.DISCONNECT))
        .isEqualTo(new PresenceChange(Presence.leave("general", ALICE, Presence.Reason.DISCONNECT), 3));
    assertThat(b.memberships().leave("general", laptop.sessionId(), Presence.Reason.LEFT)).isNull();
    assertThat(a.memberships().leave("general", phone.sessionId(), Presence.Reason.LEFT)).isNull();
    assertThat(a.memberships().leave("random", phone.sessionId(), Presence.Reason.LEFT))
        .as("a room the session never joined")
        .isNull();
    assertThat(a.memberships().members("general"))
        .isEqualTo(new MembershipDirectory.Snapshot(List.of(BOB), 3));
    assertThat(a.memberships().members("random")).isEqualTo(new MembershipDirectory.Snapshot(List.of(), 0));
  }

  @Test
  @DisplayName("kick takes every session of the user out of the room; null for a non-member")
  void kickRemovesEverySession() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Node b = last(nodes);
    Opened phone = open(a, ALICE);
    Opened laptop = open(b, ALICE);
    Opened bob = open(b, BOB);
    join(a, "general", phone, ALICE); // v1
    join(b, "general", laptop, ALICE);
    join(b, "general", bob, BOB); // v2
    join(a, "random", phone, ALICE);

    PresenceChange kicked = b.memberships().kick("general", "alice");

    assertThat(kicked).isEqualTo(
        new PresenceChange(Presence.leave("general", ALICE, Presence.Reason.KICKED), 3));
    assertThat(a.memberships().members("general"))
        .isEqualTo(new MembershipDirectory.Snapshot(List.of(BOB), 3));
    assertThat(a.memberships().kick("general", "alice")).as("kicked already").isNull();
    assertThat(a.memberships().kick("general", "carol")).as("never a member").isNull();
    assertThat(a.memberships().kick("nowhere", "bob")).as("an unknown room").isNull();
    assertThat(a.memberships().leave("general", phone.sessionId(), Presence.Reason.LEFT))
        .as("a kicked session's leave")
        .isNull();
    assertThat(a.memberships().members("general").version()).isEqualTo(3);

    assertThat(open(a, ALICE, false, phone.token()).rooms()).containsExactly("random");
    assertThat(open(b, ALICE, false, laptop.token()).rooms()).isEmpty();
    assertThat(join(a, "general", phone, ALICE).change())
        .isEqualTo(new PresenceChange(Presence.join("general", ALICE), 4));
  }

  @Test
  @DisplayName("a room's version grows by exactly 1 per change, whichever node makes it")
  void versionsGrowByOneAcrossNodes() {
    List<Node> nodes = startNodesUpTo(3);
    Node a = nodes.get(0);
    Node b = nodes.get(Math.min(1, nodes.size() - 1));
    Node c = last(nodes);
    Opened alice = open(a, ALICE);
    Opened bob = open(b, BOB);
    Opened carol = open(c, CAROL);
    Opened dave = open(a, DAVE);
    List<PresenceChange> changes = new ArrayList<>();

    changes.add(join(a, "general", alice, ALICE).change());
    changes.add(join(b, "general", bob, BOB).change());
    changes.add(join(c, "general", carol, CAROL).change());
    changes.add(join(a, "general", dave, DAVE).change());
    changes.add(b.memberships().leave("general", alice.sessionId(), Presence.Reason.LEFT));
    changes.add(c.memberships().kick("general", "bob"));
    changes.addAll(a.sessions().end(carol.sessionId(), carol.token(), Presence.Reason.LEFT).changes());
    changes.addAll(b.sessions().disconnect("dave").changes());
    changes.add(join(c, "general", alice, ALICE).change());

    assertThat(changes).extracting(PresenceChange::version).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    for (Node node : nodes) {
      assertThat(node.memberships().members("general"))
          .as("the snapshot on %s", node)
          .isEqualTo(new MembershipDirectory.Snapshot(List.of(ALICE), 9));
    }
  }

  @Test
  @DisplayName("changes made at once on several nodes get every version once, with no gap")
  void concurrentChangesGetEveryVersionOnce() throws Exception {
    List<Node> nodes = startNodesUpTo(3);
    int rounds = 25;
    List<User> users = new ArrayList<>();
    List<Opened> sessions = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      User user = new User("user" + i, "User " + i);
      users.add(user);
      sessions.add(open(nodes.get(i), user));
    }
    ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
    List<PresenceChange> changes = new ArrayList<>();
    try {
      CyclicBarrier go = new CyclicBarrier(nodes.size());
      List<Future<List<PresenceChange>>> made = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        Node node = nodes.get(i);
        Opened session = sessions.get(i);
        User user = users.get(i);
        made.add(pool.submit(() -> {
          List<PresenceChange> mine = new ArrayList<>();
          go.await();
          for (int r = 0; r < rounds; r++) {
            mine.add(node.memberships().join("general", session.sessionId(), user).change());
            mine.add(node.memberships().leave("general", session.sessionId(), Presence.Reason.LEFT));
          }
          return mine;
        }));
      }
      for (Future<List<PresenceChange>> future : made) {
        changes.addAll(future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      }
    } finally {
      pool.shutdownNow();
    }

    int total = nodes.size() * rounds * 2;
    assertThat(changes).doesNotContainNull().hasSize(total);
    assertThat(changes).extracting(PresenceChange::version)
        .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    for (User user : users) {
      assertThat(changes.stream()
              .filter(change -> change.presence().user().equals(user))
              .sorted(Comparator.comparingLong(PresenceChange::version))
              .map(change -> change.presence().event()))
          .as("%s's changes in version order", user.id())
          .containsExactlyElementsOf(
              LongStream.range(0, rounds * 2L)
                  .mapToObj(i -> i % 2 == 0 ? Presence.Event.JOIN : Presence.Event.LEAVE)
                  .toList());
    }
    assertThat(nodes.get(0).memberships().members("general"))
        .isEqualTo(new MembershipDirectory.Snapshot(List.of(), total));
  }

  @Test
  @DisplayName("an unknown room has no member, at version 0")
  void unknownRoom() {
    Node a = startNodes(1).get(0);
    assertThat(a.memberships().members("nowhere")).isEqualTo(new MembershipDirectory.Snapshot(List.of(), 0));
  }

  @Test
  @DisplayName("member counts: every room with members, direct rooms and emptied rooms excepted")
  void memberCounts() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Node b = last(nodes);
    assertThat(a.memberships().memberCounts()).isEmpty();
    Opened alice = open(a, ALICE);
    Opened bobPhone = open(b, BOB);
    Opened bobLaptop = open(a, BOB);
    Opened carol = open(b, CAROL);
    String direct = Rooms.direct("alice", "bob");
    join(a, "general", alice, ALICE);
    join(b, "general", bobPhone, BOB);
    join(a, "general", bobLaptop, BOB);
    join(a, "random", alice, ALICE);
    join(a, direct, alice, ALICE);
    join(b, direct, bobPhone, BOB);
    join(b, "emptied", carol, CAROL);
    b.memberships().leave("emptied", carol.sessionId(), Presence.Reason.LEFT);

    assertThat(b.memberships().memberCounts()).isEqualTo(Map.of("general", 2, "random", 1));
    assertThat(a.memberships().members(direct).members()).containsExactly(ALICE, BOB);
  }

  @Test
  @DisplayName("mutes are cluster-wide, per room and user, and outlive the user's sessions")
  void mutes() {
    List<Node> nodes = startNodesUpTo(2);
    Node a = nodes.get(0);
    Node b = last(nodes);
    assertThat(a.memberships().isMuted("general", "alice")).isFalse();

    a.memberships().mute("general", "alice", true);
    a.memberships().mute("general", "alice", true);

    assertThat(b.memberships().isMuted("general", "alice")).isTrue();
    assertThat(b.memberships().isMuted("random", "alice")).isFalse();
    assertThat(b.memberships().isMuted("general", "bob")).isFalse();
    Opened alice = open(b, ALICE);
    join(b, "general", alice, ALICE);
    b.sessions().end(alice.sessionId(), alice.token(), Presence.Reason.LEFT);
    assertThat(a.memberships().isMuted("general", "alice")).as("after her session ended").isTrue();

    b.memberships().mute("general", "alice", false);
    assertThat(a.memberships().isMuted("general", "alice")).isFalse();
    b.memberships().mute("general", "alice", false);
    assertThat(a.memberships().isMuted("general", "alice")).isFalse();
  }

  // ---- the bus ----

  @Test
  @DisplayName("a change reaches the room's followers on other nodes with its version; not its maker nor others")
  void presenceReachesFollowers() {
    assumeTrue(multiNode(), "a cluster of one node");
    List<Node> nodes = startNodes(3);
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    Node c = nodes.get(2);
    a.bus().follow("general");
    b.bus().follow("general");
    c.bus().follow("random");
    Opened alice = open(a, ALICE);

    PresenceChange joined = join(a, "general", alice, ALICE).change();

    assertThat(b.heard().takePresenceIn("general", TIMEOUT)).isEqualTo(joined);
    barrier(a);
    barrier(c);
    assertThat(a.heard().pendingPresence()).as("the node that made the change").isEmpty();
    assertThat(c.heard().pendingPresence()).as("a node that does not follow the room").isEmpty();

    PresenceChange left = c.memberships().leave("general", alice.sessionId(), Presence.Reason.LEFT);
    assertThat(a.heard().takePresenceIn("general", TIMEOUT)).isEqualTo(left);
    assertThat(b.heard().takePresenceIn("general", TIMEOUT)).isEqualTo(left);
  }

  @Test
  @DisplayName("every kind of change reaches the followers: join, leave, kick, end, disconnect")
  void everyKindOfChangeReachesFollowers() {
    assumeTrue(multiNode(), "a cluster of one node");
    List<Node> nodes = startNodes(2);
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    b.bus().follow("general");
    Opened alice = open(a, ALICE);
    Opened bob = open(a, BOB);
    Opened carol = open(a, CAROL);
    Opened dave = open(a, DAVE);
    List<PresenceChange> made = new ArrayList<>();
    made.add(join(a, "general", alice, ALICE).change());
    made.add(join(a, "general", bob, BOB).change());
    made.add(join(a, "general", carol, CAROL).change());
    made.add(join(a, "general", dave, DAVE).change());

    made.add(a.memberships().leave("general", alice.sessionId(), Presence.Reason.LEFT));
    made.add(a.memberships().kick("general", "bob"));
    a.sessions().detach(carol.sessionId(), carol.token());
    made.addAll(a.sessions().end(carol.sessionId(), carol.token(), Presence.Reason.DISCONNECT).changes());
    made.addAll(a.sessions().disconnect("dave").changes());

    assertThat(made).hasSize(8).doesNotContainNull();
    List<PresenceChange> heard = new ArrayList<>();
    for (int i = 0; i < made.size(); i++) {
      heard.add(b.heard().takePresenceIn("general", TIMEOUT));
    }
    assertThat(heard).containsExactlyInAnyOrderElementsOf(made);
  }

  @Test
  @DisplayName("a published message reaches the other nodes that follow its room, intact; not its publisher")
  void roomMessagesReachFollowers() {
    assumeTrue(multiNode(), "a cluster of one node");
    List<Node> nodes = startNodes(3);
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    Node c = nodes.get(2);
    String room = "général";
    a.bus().follow(room);
    b.bus().follow(room);
    c.bus().follow("random");
    User liddell = new User("alice.liddell", "Alice Liddell");
    ChatMessage withCid = message(room, liddell, null, "c-1");
    ChatMessage withoutCid = message(room, BOB, null, null);

    a.bus().publish(withCid);
    b.bus().publish(withoutCid);

    assertThat(b.heard().takeMessageIn(room, TIMEOUT)).isEqualTo(withCid);
    assertThat(a.heard().takeMessageIn(room, TIMEOUT)).isEqualTo(withoutCid);
    barrier(a);
    barrier(b);
    barrier(c);
    assertThat(a.heard().pendingMessages()).as("the publisher's own").isEmpty();
    assertThat(b.heard().pendingMessages()).as("the publisher's own").isEmpty();
    assertThat(c.heard().pendingMessages()).as("a node that does not follow the room").isEmpty();
  }

  @Test
  @DisplayName("a direct message reaches the nodes that follow either of its users")
  void directMessagesReachFollowersOfEitherUser() {
    assumeTrue(multiNode(), "a cluster of one node");
    List<Node> nodes = startNodes(2);
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    String direct = Rooms.direct("alice", "bob");

    b.bus().followUser("bob");
    ChatMessage toBob = message(direct, ALICE, BOB, "c-1");
    a.bus().publish(toBob);
    assertThat(b.heard().takeMessageIn(direct, TIMEOUT)).as("followed: the recipient").isEqualTo(toBob);

    b.bus().unfollowUser("bob");
    b.bus().followUser("alice");
    ChatMessage fromAlice = message(direct, ALICE, BOB, null);
    a.bus().publish(fromAlice);
    assertThat(b.heard().takeMessageIn(direct, TIMEOUT)).as("followed: the sender").isEqualTo(fromAlice);

    b.bus().unfollowUser("alice");
    b.bus().followUser("carol");
    a.bus().publish(message(direct, ALICE, BOB, null));
    barrier(b);
    assertThat(b.heard().pendingMessages()).as("following neither user").isEmpty();
  }

  @Test
  @DisplayName("unfollow stops a room's messages and presence")
  void unfollowStopsARoomsTraffic() {
    assumeTrue(multiNode(), "a cluster of one node");
    List<Node> nodes = startNodes(2);
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    b.bus().follow("general");
    ChatMessage first = message("general", ALICE, null, null);
    a.bus().publish(first);
    assertThat(b.heard().takeMessageIn("general", TIMEOUT)).isEqualTo(first);

    b.bus().unfollow("general");
    a.bus().publish(message("general", ALICE, null, null));
    join(a, "general", open(a, ALICE), ALICE);
    barrier(b);

    assertThat(b.heard().pendingMessages()).isEmpty();
    assertThat(b.heard().pendingPresence()).isEmpty();
  }

  // ---- helpers ----

  /** Starts {@code count} nodes of a fresh cluster, each with its own recording listener. */
  protected final List<Node> startNodes(int count) {
    if (count > 1 && !multiNode()) {
      throw new IllegalArgumentException("a cluster of one node cannot start " + count);
    }
    Nodes deployment;
    try {
      deployment = newNodes(count);
    } catch (Exception e) {
      throw new AssertionError("could not make " + count + " nodes", e);
    }
    deployments.add(deployment);
    assertThat(deployment.clusters()).hasSize(count);
    List<Node> nodes = new ArrayList<>();
    for (Cluster cluster : deployment.clusters()) {
      Node node = new Node(cluster, new RecordingClusterListener());
      try {
        cluster.start(node.heard());
      } catch (java.io.IOException e) {
        throw new AssertionError("could not start " + cluster, e);
      }
      started.add(node);
      nodes.add(node);
    }
    return nodes;
  }

  /** Up to {@code count} nodes: 1 when the cluster cannot have several. */
  private List<Node> startNodesUpTo(int count) {
    return startNodes(multiNode() ? count : 1);
  }

  private static Node last(List<Node> nodes) {
    return nodes.get(nodes.size() - 1);
  }

  /** A session of {@code user} on {@code node}, not exclusive. */
  protected final Opened open(Node node, User user) {
    return open(node, user, false, null);
  }

  /** Opens or resumes a session of {@code user} on {@code node}; the node follows the user first. */
  protected final Opened open(Node node, User user, boolean exclusive, String resumeToken) {
    if (followedUsers.computeIfAbsent(node, n -> new HashSet<>()).add(user.id())) {
      node.bus().followUser(user.id());
    }
    return node.sessions().open(user, exclusive, resumeToken);
  }

  protected final Joined join(Node node, String room, Opened session, User user) {
    return node.memberships().join(room, session.sessionId(), user);
  }

  /** A message of a room ({@code to} null) or a direct one, with the room's next seq. */
  protected final ChatMessage message(String room, User from, User to, String cid) {
    long seq = seqs.merge(room, 1L, Long::sum);
    return new ChatMessage(room, seq, "m" + (++mids), from, to, "text " + mids,
        Instant.ofEpochMilli(1_700_000_000_000L + mids), cid);
  }

  /**
   * Returns once {@code observer} heard a message another node published now: what was published or
   * announced to it before had its chance to arrive.
   */
  protected final void barrier(Node observer) {
    Node publisher = started.stream()
        .filter(node -> node != observer && deploymentOf(node) == deploymentOf(observer))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("a barrier needs another node"));
    String room = "barrier-" + (++barriers);
    observer.bus().follow(room);
    ChatMessage marker = message(room, BARRIER, null, null);
    publisher.bus().publish(marker);
    assertThat(observer.heard().takeMessageIn(room, TIMEOUT)).isEqualTo(marker);
    observer.bus().unfollow(room);
  }

  private Nodes deploymentOf(Node node) {
    return deployments.stream()
        .filter(nodes -> nodes.clusters().contains(node.cluster()))
        .findFirst()
        .orElseThrow();
  }

  private static void assertNameTaken(Runnable open) {
    assertThatThrownBy(open::run)
        .isInstanceOfSatisfying(ChatException.class,
            e -> assertThat(e.code()).isEqualTo(ChatStatus.Code.NAME_TAKEN));
  }
}
