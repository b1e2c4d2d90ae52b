package dev.natter.chat.inmemory.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatServer;
import dev.natter.chat.Cursor;
import dev.natter.chat.JoinResult;
import dev.natter.chat.Limits;
import dev.natter.chat.PageRequest;
import dev.natter.chat.Presence;
import dev.natter.chat.ReconnectPolicy;
import dev.natter.chat.RoomInfo;
import dev.natter.chat.SendReceipt;
import dev.natter.chat.User;
import dev.natter.chat.inmemory.Faults;
import dev.natter.chat.inmemory.InMemoryClientTransport;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The kit's faults with the real engine: what users of the library see when the network misbehaves. */
class ChatTestKitFaultsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Limits NO_RATE_LIMIT = Limits.defaults().toBuilder().rateLimit(null).build();

  @RegisterExtension final ChatTestKit chat = ChatTestKit.create();

  @Test
  @DisplayName("a dropped client sees 1006; the others see it leave once the grace period is over")
  void aDropIsALostConnection() {
    ChatServer server = chat.startServer(b -> b.presenceGrace(Duration.ofMillis(200)));
    RecordingListener alice = new RecordingListener();
    chat.connect("alice", alice).join("general").join();
    RecordingListener bob = new RecordingListener();
    Away bobClient = connectAway("bob", bob);
    bobClient.client().join("general").join();
    assertThat(alice.takePresence(TIMEOUT)).isEqualTo(Presence.join("general", User.anonymous("bob")));

    assertThat(bobClient.faults().dropAll()).isEqualTo(1);

    assertThat(bob.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.ABNORMAL);
    Presence leave = alice.takePresence(TIMEOUT);
    assertThat(leave.event()).isEqualTo(Presence.Event.LEAVE);
    assertThat(leave.user().id()).isEqualTo("bob");
    assertThat(leave.reason()).as("a lost connection, not a goodbye").isEqualTo(Presence.Reason.DISCONNECT);
    assertThat(server.members("general")).extracting(User::id).containsExactly("alice");
    assertThat(server.onlineUsers()).extracting(User::id).containsExactly("alice");
  }

  @Test
  @DisplayName("within the grace period a dropped client resumes its session and nobody sees it leave")
  void aDroppedClientResumesWithinTheGrace() {
    chat.startServer(b -> b.presenceGrace(Duration.ofSeconds(30)));
    RecordingListener alice = new RecordingListener();
    chat.connect("alice", alice).join("general").join();
    RecordingListener bob = new RecordingListener();
    Away bobClient = connectAway("bob", bob);
    bobClient.client().join("general").join();
    alice.takePresence(TIMEOUT);
    String session = bobClient.client().welcome().session();

    bobClient.faults().dropAll();
    assertThat(bob.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.ABNORMAL);

    ChatClient bobAgain = chat.connect(ChatClient.builder(chat.clientTransport()).name("bob").resume(session));
    assertThat(bobAgain.welcome().resumed()).isTrue();
    bobAgain.send("general", "back").join();
    assertThat(alice.takeMessage(TIMEOUT).text()).isEqualTo("back");
    assertThat(alice.pendingPresence()).as("presence events while bob was away").isEmpty();
  }

  @Test
  @DisplayName("a client that stops reading is closed with 4009 while the others keep receiving")
  void aStalledClientIsClosedAsASlowConsumer() {
    int queueFrames = 20;
    ChatServer server = chat.startServer(b -> b.limits(NO_RATE_LIMIT.toBuilder()
        .outboundQueueFrames(queueFrames).outboundQueueBytes(64 * 1024).build()));
    RecordingListener slow = new RecordingListener();
    Away slowClient = connectAway("slow", slow);
    slowClient.client().join("general").join();
    RecordingListener fast = new RecordingListener();
    chat.connect("fast", fast).join("general").join();
    ChatClient sender = chat.connect("sender");
    sender.join("general").join();

    slowClient.faults().stallReading();
    int sent = 0;
    while (server.onlineUsers().stream().anyMatch(user -> user.id().equals("slow"))) {
      assertThat(sent).as("messages sent before the stalled client was closed").isLessThan(1_000);
      List<CompletableFuture<SendReceipt>> batch = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        batch.add(sender.send("general", "message " + (sent + i + 1)));
      }
      batch.forEach(CompletableFuture::join);
      sent += batch.size();
    }

    assertThat(fast.takeMessages(sent, TIMEOUT)).extracting(ChatMessage::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, sent).boxed().toList());
    assertThat(slow.pendingMessages()).as("delivered while stalled").isEmpty();

    slowClient.faults().resumeReading();
    assertThat(slow.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.SLOW_CONSUMER);
    // Everything held was delivered before the close, in order; what overflowed was never queued.
    List<ChatMessage> held = slow.pendingMessages();
    assertThat(held).isNotEmpty().hasSizeLessThanOrEqualTo(queueFrames);
    assertThat(held).extracting(ChatMessage::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, held.size()).boxed().toList());
  }

  @Test
  @DisplayName("a stalled client that reads again in time gets everything it missed, in order")
  void aStalledClientCatchesUpInOrder() {
    chat.startServer(b -> b.limits(NO_RATE_LIMIT));
    ChatClient alice = chat.connect("alice");
    alice.join("general").join();
    RecordingListener bob = new RecordingListener();
    ChatClient bobClient = chat.connect("bob", bob);
    bobClient.join("general").join();
    RecordingListener carol = new RecordingListener();
    chat.connect("carol", carol).join("general").join();

    chat.faults(bobClient).stallReading();
    for (int i = 1; i <= 10; i++) {
      alice.send("general", "m" + i).join();
    }
    CompletableFuture<List<RoomInfo>> askedWhileStalled = bobClient.rooms();
    assertThat(carol.takeMessages(10, TIMEOUT)).extracting(ChatMessage::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
    assertThat(bob.pendingMessages()).as("delivered while stalled").isEmpty();
    assertThat(askedWhileStalled).as("answered while stalled").isNotDone();

    chat.faults(bobClient).resumeReading();
    assertThat(bob.takeMessages(10, TIMEOUT)).extracting(ChatMessage::text)
        .containsExactly("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10");
    assertThat(askedWhileStalled.join()).extracting(RoomInfo::room).containsExactly("general");
  }

  @Test
  @DisplayName("with delays both ways every message arrives, in seq order for everyone")
  void delayedFramesArriveInOrder() {
    chat.startServer(b -> b.limits(NO_RATE_LIMIT));
    RecordingListener alice = new RecordingListener();
    ChatClient aliceClient = chat.connect("alice", alice);
    aliceClient.join("general").join();
    RecordingListener bob = new RecordingListener();
    ChatClient bobClient = chat.connect("bob", bob);
    bobClient.join("general").join();
    RecordingListener carol = new RecordingListener();
    chat.connect("carol", carol).join("general").join();

    chat.faults(aliceClient).delay(Duration.ofMillis(5));
    chat.faults(bobClient).delayToServer(() -> Duration.ofMillis(ThreadLocalRandom.current().nextInt(10)));
    chat.faults(bobClient).delayToClient(() -> Duration.ofMillis(ThreadLocalRandom.current().nextInt(10)));
    List<CompletableFuture<SendReceipt>> fromAlice = new ArrayList<>();
    List<CompletableFuture<SendReceipt>> fromBob = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      fromAlice.add(aliceClient.send("general", "alice " + i));
      fromBob.add(bobClient.send("general", "bob " + i));
    }

    List<Long> everySeq = LongStream.rangeClosed(1, 60).boxed().toList();
    for (RecordingListener member : List.of(alice, bob, carol)) {
      List<ChatMessage> received = member.takeMessages(60, TIMEOUT);
      assertThat(received).extracting(ChatMessage::seq).containsExactlyElementsOf(everySeq);
      assertThat(received).filteredOn(m -> m.from().id().equals("bob")).extracting(ChatMessage::text)
          .containsExactlyElementsOf(numbered("bob ", 30));
      assertThat(received).filteredOn(m -> m.from().id().equals("alice")).extracting(ChatMessage::text)
          .containsExactlyElementsOf(numbered("alice ", 30));
    }
    assertThat(fromBob.stream().map(f -> f.join().seq()).toList()).as("bob's receipts").isSorted();
    assertThat(fromAlice.stream().map(f -> f.join().seq()).toList()).as("alice's receipts").isSorted();

    chat.faults(bobClient).clearDelays();
    assertThat(bobClient.send("general", "no delay").join().seq()).isEqualTo(61);
  }

  @Test
  @DisplayName("a restart keeps history and epoch: a client rejoining with its cursor gets exactly what it missed")
  void aRestartKeepsTheStore() {
    AtomicInteger configured = new AtomicInteger();
    ChatServer first = chat.startServer(b -> {
      configured.incrementAndGet();
      b.limits(NO_RATE_LIMIT.toBuilder().maxTextChars(500).build());
    });
    RecordingListener alice = new RecordingListener();
    ChatClient aliceClient = connectAway("alice", alice).client();
    aliceClient.join("general").join();
    RecordingListener bob = new RecordingListener();
    Away bobClient = connectAway("bob", bob);
    JoinResult bobJoined = bobClient.client().join("general").join();
    for (int i = 1; i <= 3; i++) {
      aliceClient.send("general", "seen " + i).join();
    }
    List<ChatMessage> seen = bob.takeMessages(3, TIMEOUT);
    Cursor cursor = new Cursor(seen.get(2).seq(), bobJoined.epoch());
    bobClient.faults().dropAll();
    assertThat(bob.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.ABNORMAL);
    aliceClient.send("general", "missed 1").join();
    aliceClient.send("general", "missed 2").join();

    ChatServer second = chat.restartServer();

    assertThat(first.isTerminated()).isTrue();
    assertThat(alice.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.GOING_AWAY);
    assertThat(configured).as("times the configuration was applied").hasValue(2);
    RecordingListener bobAgain = new RecordingListener();
    ChatClient bobAgainClient = chat.connect("bob", bobAgain);
    assertThat(bobAgainClient.welcome().limits().maxTextChars()).as("the same configuration").isEqualTo(500);

    JoinResult rejoined = bobAgainClient.join("general", cursor).join();

    assertThat(rejoined.recovered()).isTrue();
    assertThat(rejoined.epoch()).isEqualTo(cursor.epoch());
    assertThat(rejoined.messages()).extracting(ChatMessage::text).containsExactly("missed 1", "missed 2");
    assertThat(rejoined.messages()).extracting(ChatMessage::seq).containsExactly(4L, 5L);
    assertThat(bobAgain.takeRecovery(TIMEOUT).recovered()).isTrue();
    assertThat(bobAgainClient.history("general", PageRequest.latest(10)).join().messages())
        .extracting(ChatMessage::text)
        .containsExactly("seen 1", "seen 2", "seen 3", "missed 1", "missed 2");
    assertThat(second.post("general", "after the restart").join().seq()).isEqualTo(6);
  }

  @Test
  @DisplayName("the kit closes cleanly with a client stalled and another's frames delayed for an hour")
  void theKitClosesCleanlyUnderFaults() {
    RecordingListener stalled = new RecordingListener();
    try (ChatTestKit kit = ChatTestKit.create()) {
      kit.startServer();
      ChatClient stalledClient = kit.connect("stalled", stalled);
      stalledClient.join("general").join();
      kit.faults(stalledClient).stallReading();
      ChatClient stuck = kit.connect("stuck");
      stuck.join("general").join();
      kit.faults(stuck).delayToServer(() -> Duration.ofHours(1));
      stuck.send("general", "stuck on the wire");
    }
    assertThat(stalled.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.NORMAL);
  }

  @Test
  void restartingWithoutAServerIsRefused() {
    assertThatThrownBy(chat::restartServer)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("start a server first");
  }

  @Test
  void theFaultsOfAClientTheKitDidNotBuildAreRefused() {
    chat.startServer();
    ChatClient byHand = chat.connect(ChatClient.builder(chat.clientTransport()).name("alice"));
    assertThatThrownBy(() -> chat.faults(byHand))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("faults() of the InMemoryClientTransport");
  }

  /**
   * A client that stays away once its connection ended, so what the others see after a fault is the
   * fault's doing, not the client's reconnect; built by hand, with its transport's faults.
   */
  private Away connectAway(String name, RecordingListener listener) {
    InMemoryClientTransport transport = chat.clientTransport();
    ChatClient client = chat.connect(ChatClient.builder(transport).name(name).listener(listener)
        .reconnect(ReconnectPolicy.disabled()));
    return new Away(client, transport.faults());
  }

  private record Away(ChatClient client, Faults faults) {}

  private static List<String> numbered(String prefix, int count) {
    List<String> texts = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      texts.add(prefix + i);
    }
    return texts;
  }
}
