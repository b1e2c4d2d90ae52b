package dev.natter.chat.tck.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.spi.cluster.PresenceChange;
import dev.natter.chat.spi.cluster.SessionDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the {@link InProcessCluster} does beyond the contract: its nodes' lifecycle, its routing of
 * session notices, and its {@link BusFaults}. Without faults each node hears in the order handed over,
 * so a test knows a message did not arrive once a later one did.
 */
class InProcessClusterTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final User ALICE = new User("alice", "Alice");
  private static final User BOB = new User("bob", "Bob");

  private final InProcessCluster hub = InProcessCluster.create();
  private int seq;

  @AfterEach
  void closeTheHub() {
    hub.close();
  }

  // ---- nodes ----

  @Test
  void aNodeIdIsTakenWhileItsNodeIsOpen() {
    Cluster n1 = hub.node("n1");
    assertThatThrownBy(() -> hub.node("n1")).isInstanceOf(IllegalArgumentException.class);

    n1.close();

    Cluster again = hub.node("n1");
    assertThat(again.nodeId()).isEqualTo("n1");
    assertThat(again.soleWriter()).isFalse();
    assertThat(again.requiresSharedStore()).isTrue();
    assertThatThrownBy(() -> n1.start(new RecordingClusterListener()))
        .as("a closed node")
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aNodeHearsNothingBeforeItStartsNorAfterItCloses() {
    Cluster n1 = started("n1", new RecordingClusterListener());
    Cluster n2 = hub.node("n2");
    n2.bus().follow("general");
    n1.bus().publish(message("general"));

    RecordingClusterListener heard = new RecordingClusterListener();
    start(n2, heard);
    ChatMessage afterStart = message("general");
    n1.bus().publish(afterStart);
    assertThat(heard.takeMessage(TIMEOUT)).as("the first message heard").isEqualTo(afterStart);

    n2.close();
    n1.bus().publish(message("general"));
    RecordingClusterListener n3 = new RecordingClusterListener();
    started("n3", n3).bus().follow("general");
    ChatMessage marker = message("general");
    n1.bus().publish(marker);
    assertThat(n3.takeMessage(TIMEOUT)).isEqualTo(marker);
    assertThat(heard.pendingMessages()).as("heard by the closed node").isEmpty();
  }

  @Test
  void aClosedHubMakesNoNodeAndClosesItsNodes() {
    Cluster n1 = started("n1", new RecordingClusterListener());
    hub.close();

    assertThatThrownBy(() -> hub.node("n2")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> n1.start(new RecordingClusterListener())).isInstanceOf(IllegalStateException.class);
    hub.close();
  }

  // ---- session notices ----

  @Test
  void aTakeOverIsHeardByTheOwnerOnlyAndADisconnectByEveryOtherNode() {
    RecordingClusterListener l1 = new RecordingClusterListener();
    RecordingClusterListener l2 = new RecordingClusterListener();
    RecordingClusterListener l3 = new RecordingClusterListener();
    Cluster n1 = started("n1", l1);
    Cluster n2 = started("n2", l2);
    Cluster n3 = started("n3", l3);
    n3.bus().follow("general");
    SessionDirectory.Opened opened = n1.sessions().open(ALICE, false, null);

    n2.sessions().open(ALICE, false, opened.token());
    n3.sessions().disconnect("alice");

    assertThat(l1.takeTakenOver(TIMEOUT)).isEqualTo(opened.sessionId());
    assertThat(l1.takeDisconnected(TIMEOUT)).isEqualTo("alice");
    assertThat(l2.takeDisconnected(TIMEOUT)).isEqualTo("alice");
    ChatMessage marker = message("general");
    n1.bus().publish(marker);
    assertThat(l3.takeMessage(TIMEOUT)).isEqualTo(marker);
    assertThat(l2.pendingTakenOver()).isEmpty();
    assertThat(l3.pendingTakenOver()).isEmpty();
    assertThat(l3.pendingDisconnected()).isEmpty();
  }

  @Test
  void endSessionsOfPlaysAReaperAndCatchUpReachesEveryNode() {
    RecordingClusterListener l1 = new RecordingClusterListener();
    RecordingClusterListener l2 = new RecordingClusterListener();
    Cluster n1 = started("n1", l1);
    Cluster n2 = started("n2", l2);
    n2.bus().follow("general");
    SessionDirectory.Opened alice = n1.sessions().open(ALICE, false, null);
    n1.memberships().join("general", alice.sessionId(), ALICE);
    l2.takePresence(TIMEOUT);
    n1.close();

    SessionDirectory.Ended ended = hub.endSessionsOf("n1", Presence.Reason.DISCONNECT);
    hub.catchUp();

    PresenceChange left = new PresenceChange(Presence.leave("general", ALICE, Presence.Reason.DISCONNECT), 2);
    assertThat(ended).isEqualTo(new SessionDirectory.Ended(1, List.of(left)));
    assertThat(l2.takePresence(TIMEOUT)).isEqualTo(left);
    l2.takeCatchUp(TIMEOUT);
    assertThat(l1.pendingCatchUps()).as("a closed node").isZero();
    assertThat(n2.sessions().open(ALICE, false, alice.token()).resumed()).isFalse();
  }

  // ---- faults ----

  @Test
  void dropNextDropsThatManyDeliveriesThenNone() {
    RecordingClusterListener heard = new RecordingClusterListener();
    Cluster n1 = started("n1", new RecordingClusterListener());
    started("n2", heard).bus().follow("general");

    hub.messageFaults().dropNext(2);
    List<ChatMessage> sent = publish(n1, 4);

    assertThat(heard.takeMessage(TIMEOUT)).isEqualTo(sent.get(2));
    assertThat(heard.takeMessage(TIMEOUT)).isEqualTo(sent.get(3));
    assertThat(heard.pendingMessages()).isEmpty();
    assertThat(hub.messageFaults().dropped()).isEqualTo(2);
  }

  @Test
  void faultsCountDeliveriesToEachNode() {
    RecordingClusterListener l2 = new RecordingClusterListener();
    RecordingClusterListener l3 = new RecordingClusterListener();
    Cluster n1 = started("n1", new RecordingClusterListener());
    started("n2", l2).bus().follow("general");
    started("n3", l3).bus().follow("general");

    hub.messageFaults().dropNext(1);
    ChatMessage first = message("general");
    ChatMessage second = message("general");
    n1.bus().publish(first);
    n1.bus().publish(second);

    List<ChatMessage> heard = new ArrayList<>();
    heard.addAll(takeUntil(l2, second));
    heard.addAll(takeUntil(l3, second));
    assertThat(heard).as("the first to one of the two nodes, the second to both")
        .containsExactlyInAnyOrder(first, second, second);
  }

  @Test
  void presenceAndMessageFaultsAreSeparate() {
    RecordingClusterListener heard = new RecordingClusterListener();
    Cluster n1 = started("n1", new RecordingClusterListener());
    started("n2", heard).bus().follow("general");

    hub.presenceFaults().dropNext(1);
    ChatMessage message = message("general");
    n1.bus().publish(message);
    assertThat(heard.takeMessage(TIMEOUT)).isEqualTo(message);
    SessionDirectory.Opened alice = n1.sessions().open(ALICE, false, null);
    SessionDirectory.Opened bob = n1.sessions().open(BOB, false, null);
    n1.memberships().join("general", alice.sessionId(), ALICE);
    PresenceChange bobJoined = n1.memberships().join("general", bob.sessionId(), BOB).change();

    assertThat(heard.takePresence(TIMEOUT)).as("alice's join dropped").isEqualTo(bobJoined);
    assertThat(hub.presenceFaults().dropped()).isEqualTo(1);
    assertThat(hub.messageFaults().dropped()).isZero();
  }

  @Test
  void dropFractionIsRepeatableWithItsSeed() {
    Set<String> first = midsHeardWithDropFraction(hub, 0.5, 42);
    Set<String> again;
    try (InProcessCluster other = InProcessCluster.create()) {
      again = midsHeardWithDropFraction(other, 0.5, 42);
    }

    assertThat(first).hasSizeBetween(1, 199);
    assertThat(again).isEqualTo(first);
    assertThat(hub.messageFaults().dropped()).isEqualTo(200 - first.size());
  }

  @Test
  void dropFractionOneDropsEverythingAndZeroNothing() {
    RecordingClusterListener heard = new RecordingClusterListener();
    Cluster n1 = started("n1", new RecordingClusterListener());
    started("n2", heard).bus().follow("general");

    hub.messageFaults().dropFraction(1, 7);
    publish(n1, 5);
    hub.messageFaults().dropFraction(0, 7);
    List<ChatMessage> kept = publish(n1, 2);

    assertThat(heard.takeMessage(TIMEOUT)).isEqualTo(kept.get(0));
    assertThat(heard.takeMessage(TIMEOUT)).isEqualTo(kept.get(1));
    assertThat(hub.messageFaults().dropped()).isEqualTo(5);
  }

  @Test
  void reorderNextHandsOverInReverseOrder() {
    RecordingClusterListener heard = new RecordingClusterListener();
    Cluster n1 = started("n1", new RecordingClusterListener());
    started("n2", heard).bus().follow("general");

    hub.messageFaults().reorderNext(3);
    List<ChatMessage> sent = publish(n1, 4);

    assertThat(heard.takeMessage(TIMEOUT)).isEqualTo(sent.get(2));
    assertThat(heard.takeMessage(TIMEOUT)).isEqualTo(sent.get(1));
    assertThat(heard.takeMessage(TIMEOUT)).isEqualTo(sent.get(0));
    assertThat(heard.takeMessage(TIMEOUT)).isEqualTo(sent.get(3));
    assertThat(hub.messageFaults().held()).isZero();
  }

  @Test
  void clearHandsOverWhatIsHeld() {
    RecordingClusterListener heard = new RecordingClusterListener();
    Cluster n1 = started("n1", new RecordingClusterListener());
    started("n2", heard).bus().follow("general");

    hub.messageFaults().reorderNext(5).dropNext(1);
    List<ChatMessage> sent = publish(n1, 3);
    assertThat(hub.messageFaults().held()).isEqualTo(2);
    hub.messageFaults().clear();

    assertThat(heard.takeMessage(TIMEOUT)).isEqualTo(sent.get(2));
    assertThat(heard.takeMessage(TIMEOUT)).isEqualTo(sent.get(1));
    ChatMessage after = publish(n1, 1).get(0);
    assertThat(heard.takeMessage(TIMEOUT)).as("no fault after clear").isEqualTo(after);
    assertThat(heard.pendingMessages()).isEmpty();
  }

  @Test
  void aDelayedDeliveryArrivesAfterOneHandedOverLater() {
    RecordingClusterListener heard = new RecordingClusterListener();
    Cluster n1 = started("n1", new RecordingClusterListener());
    started("n2", heard).bus().follow("general");

    hub.messageFaults().delay(Duration.ofSeconds(1));
    ChatMessage delayed = publish(n1, 1).get(0);
    hub.messageFaults().delay(Duration.ZERO);
    ChatMessage prompt = publish(n1, 1).get(0);

    assertThat(heard.takeMessage(TIMEOUT)).isEqualTo(prompt);
    assertThat(heard.takeMessage(TIMEOUT)).isEqualTo(delayed);
    assertThat(hub.messageFaults().dropped()).isZero();
  }

  @Test
  void faultsRefuseNonsense() {
    BusFaults faults = hub.messageFaults();
    assertThatThrownBy(() -> faults.dropNext(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> faults.dropFraction(1.5, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> faults.dropFraction(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> faults.delay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> faults.reorderNext(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- helpers ----

  private Cluster started(String nodeId, RecordingClusterListener listener) {
    Cluster node = hub.node(nodeId);
    start(node, listener);
    return node;
  }

  private static void start(Cluster node, RecordingClusterListener listener) {
    try {
      node.start(listener);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ChatMessage message(String room) {
    seq++;
    return new ChatMessage(room, seq, "m" + seq, ALICE, null, "text " + seq, Instant.ofEpochMilli(seq), null);
  }

  private List<ChatMessage> publish(Cluster node, int count) {
    List<ChatMessage> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ChatMessage message = message("general");
      node.bus().publish(message);
      sent.add(message);
    }
    return sent;
  }

  private static List<ChatMessage> takeUntil(RecordingClusterListener heard, ChatMessage last) {
    List<ChatMessage> taken = new ArrayList<>();
    ChatMessage message;
    do {
      message = heard.takeMessage(TIMEOUT);
      taken.add(message);
    } while (!message.equals(last));
    return taken;
  }

  // 200 messages to one follower with the fault on, then a marker with it off: the mids heard.
  private Set<String> midsHeardWithDropFraction(InProcessCluster cluster, double fraction, long seed) {
    RecordingClusterListener heard = new RecordingClusterListener();
    Cluster n1 = cluster.node("n1");
    start(n1, new RecordingClusterListener());
    Cluster n2 = cluster.node("n2");
    start(n2, heard);
    n2.bus().follow("general");
    cluster.messageFaults().dropFraction(fraction, seed);
    for (int i = 1; i <= 200; i++) {
      n1.bus().publish(new ChatMessage("general", i, "m" + i, ALICE, null, "t", Instant.ofEpochMilli(i), null));
    }
    cluster.messageFaults().clear();
    ChatMessage marker = new ChatMessage("general", 201, "marker", ALICE, null, "t", Instant.EPOCH, null);
    n1.bus().publish(marker);
    List<ChatMessage> taken = takeUntil(heard, marker);
    return taken.subList(0, taken.size() - 1).stream().map(ChatMessage::mid).collect(Collectors.toSet());
  }
}
