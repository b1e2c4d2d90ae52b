package dev.natter.chat.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatException;
import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatServer;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.ConnectionState;
import dev.natter.chat.Disconnect;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.Limits;
import dev.natter.chat.PageRequest;
import dev.natter.chat.Presence;
import dev.natter.chat.ReconnectPolicy;
import dev.natter.chat.Recovery;
import dev.natter.chat.SendReceipt;
import dev.natter.chat.inmemory.testing.ChatTestKit;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client's reconnect against the real engine, over the in-memory transport with faults injected:
 * nothing lost, nothing twice, no presence flap, the close codes that must end it.
 */
class ClientReconnectTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** Quick, so the tests do not wait; the backoff's own timing is tested on a manual clock. */
  private static final ReconnectPolicy QUICK = ReconnectPolicy.defaults()
      .withInitialDelay(Duration.ofMillis(5)).withMaxDelay(Duration.ofMillis(50));
  private static final Limits NO_RATE_LIMIT = Limits.defaults().toBuilder().rateLimit(null).build();

  @RegisterExtension final ChatTestKit chat = ChatTestKit.create();

  private Consumer<ChatServer.Builder> longGrace() {
    return b -> b.presenceGrace(Duration.ofSeconds(30)).limits(NO_RATE_LIMIT);
  }

  private ChatClient connect(FlakyClientTransport transport, String name, ChatListener listener) {
    return chat.connect(ChatClient.builder(transport).name(name).listener(listener).reconnect(QUICK));
  }

  @Test
  void aClientCutMidConversationResumesAndGetsWhatItMissedOnceInOrderWithoutAPresenceFlap() {
    chat.startServer(longGrace());
    RecordingListener alice = new RecordingListener();
    ChatClient aliceClient = chat.connect("alice", alice);
    aliceClient.join("general").join();
    FlakyClientTransport flaky = new FlakyClientTransport(chat.clientTransport());
    RecordingListener bob = new RecordingListener();
    ChatClient bobClient = connect(flaky, "bob", bob);
    bobClient.join("general").join();
    assertThat(alice.takePresence(TIMEOUT).event()).isEqualTo(Presence.Event.JOIN);
    for (int i = 1; i <= 3; i++) {
      aliceClient.send("general", "before " + i).join();
    }
    assertThat(bob.takeMessages(3, TIMEOUT)).extracting(ChatMessage::text)
        .containsExactly("before 1", "before 2", "before 3");

    flaky.refuseConnections(true);
    flaky.cut();
    assertThat(bob.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.ABNORMAL);
    for (int i = 1; i <= 5; i++) {
      aliceClient.send("general", "meanwhile " + i).join();
    }
    flaky.refuseConnections(false);

    bob.takeWelcome(TIMEOUT);
    assertThat(bob.takeWelcome(TIMEOUT).resumed()).isTrue();
    List<ChatMessage> missed = bob.takeMessages(5, TIMEOUT);
    assertThat(missed).extracting(ChatMessage::text)
        .containsExactly("meanwhile 1", "meanwhile 2", "meanwhile 3", "meanwhile 4", "meanwhile 5");
    assertThat(missed).extracting(ChatMessage::seq).containsExactly(4L, 5L, 6L, 7L, 8L);
    Recovery recovery = bob.takeRecovery(TIMEOUT);
    assertThat(recovery.recovered()).isTrue();
    assertThat(recovery.since().seq()).isEqualTo(3);

    assertThat(bobClient.send("general", "back").join().seq()).isEqualTo(9);
    assertThat(bob.takeMessage(TIMEOUT).text()).as("the next message is the new one").isEqualTo("back");
    assertThat(alice.takeMessages(9, TIMEOUT)).extracting(ChatMessage::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 9).boxed().toList());
    assertThat(alice.pendingPresence()).as("presence seen by the others").isEmpty();
    assertThat(bob.pendingMessages()).isEmpty();
  }

  @Test
  void theClientReportsEachStepOfTheReconnect() {
    chat.startServer(longGrace());
    FlakyClientTransport flaky = new FlakyClientTransport(chat.clientTransport());
    RecordingListener bob = new RecordingListener();
    connect(flaky, "bob", bob);
    assertThat(bob.takeConnectionState(TIMEOUT)).isEqualTo(ConnectionState.connecting(0));
    assertThat(bob.takeConnectionState(TIMEOUT)).isEqualTo(ConnectionState.connected());

    flaky.cut();
    ConnectionState reconnecting = bob.takeConnectionState(TIMEOUT);
    assertThat(reconnecting.kind()).isEqualTo(ConnectionState.Kind.RECONNECTING);
    assertThat(reconnecting.attempt()).isEqualTo(1);
    assertThat(reconnecting.delay()).isBetween(Duration.ofMillis(2), Duration.ofMillis(5));
    assertThat(reconnecting.disconnect().code()).isEqualTo(CloseCodes.ABNORMAL);
    assertThat(bob.takeConnectionState(TIMEOUT)).isEqualTo(ConnectionState.connecting(1));
    assertThat(bob.takeConnectionState(TIMEOUT)).isEqualTo(ConnectionState.connected());
    assertThat(flaky.connects()).isEqualTo(2);
  }

  @Test
  void aSendWhoseOkWasLostIsResentWithItsCidAndStoredOnce() throws Exception {
    chat.startServer(longGrace());
    RecordingListener alice = new RecordingListener();
    ChatClient aliceClient = chat.connect("alice", alice);
    aliceClient.join("general").join();
    FlakyClientTransport flaky = new FlakyClientTransport(chat.clientTransport());
    RecordingListener bob = new RecordingListener();
    ChatClient bobClient = connect(flaky, "bob", bob);
    bobClient.join("general").join();

    flaky.loseNextAndCut(frame -> frame instanceof ServerFrame.SendOk);
    CompletableFuture<SendReceipt> sent = bobClient.send("general", "only once");
    SendReceipt receipt = sent.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(flaky.connects()).as("the ok was lost with the connection").isEqualTo(2);
    List<ClientFrame.Send> wire = flaky.sends();
    assertThat(wire).hasSize(2);
    assertThat(wire.get(1).cid()).isEqualTo(wire.get(0).cid());
    HistoryPage page = aliceClient.history("general", PageRequest.latest(10)).join();
    assertThat(page.messages()).extracting(ChatMessage::text).containsExactly("only once");
    assertThat(page.messages().get(0).mid()).isEqualTo(receipt.mid());
    assertThat(receipt.seq()).isEqualTo(1);

    bobClient.send("general", "and then this").join();
    assertThat(bob.takeMessages(2, TIMEOUT)).extracting(ChatMessage::text)
        .containsExactly("only once", "and then this");
    assertThat(alice.takeMessages(2, TIMEOUT)).extracting(ChatMessage::text)
        .containsExactly("only once", "and then this");
  }

  @Test
  void manyMissedMessagesArePagedInWithHistory() {
    chat.startServer(b -> b.presenceGrace(Duration.ofSeconds(30))
        .limits(NO_RATE_LIMIT.toBuilder().pageMax(5).build()));
    ChatClient aliceClient = chat.connect("alice");
    aliceClient.join("general").join();
    FlakyClientTransport flaky = new FlakyClientTransport(chat.clientTransport());
    RecordingListener bob = new RecordingListener();
    ChatClient bobClient = connect(flaky, "bob", bob);
    bobClient.join("general").join();
    aliceClient.send("general", "seen").join();
    bob.takeMessage(TIMEOUT);

    flaky.refuseConnections(true);
    flaky.cut();
    bob.takeDisconnect(TIMEOUT);
    List<CompletableFuture<SendReceipt>> sends = new ArrayList<>();
    for (int i = 1; i <= 23; i++) {
      sends.add(aliceClient.send("general", "missed " + i));
    }
    sends.forEach(CompletableFuture::join);
    flaky.refuseConnections(false);

    assertThat(bob.takeMessages(23, TIMEOUT)).extracting(ChatMessage::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(2, 24).boxed().toList());
    assertThat(bob.takeRecovery(TIMEOUT).recovered()).isTrue();
    aliceClient.send("general", "live again").join();
    assertThat(bob.takeMessage(TIMEOUT).seq()).isEqualTo(25);
  }

  @Test
  void directMessagesMissedWhileAwayAreDeliveredOldAndNewConversationsAlike() {
    chat.startServer(longGrace());
    ChatClient alice = chat.connect("alice");
    ChatClient carol = chat.connect("carol");
    FlakyClientTransport flaky = new FlakyClientTransport(chat.clientTransport());
    RecordingListener bob = new RecordingListener();
    ChatClient bobClient = connect(flaky, "bob", bob);
    alice.sendDirect("bob", "first").join();
    assertThat(bob.takeMessage(TIMEOUT).text()).isEqualTo("first");
    // A round trip after the first message: the client has learned the conversation's epoch by now.
    bobClient.rooms().join();

    flaky.refuseConnections(true);
    flaky.cut();
    bob.takeDisconnect(TIMEOUT);
    alice.sendDirect("bob", "second").join();
    carol.sendDirect("bob", "hello from carol").join();
    alice.sendDirect("bob", "third").join();
    flaky.refuseConnections(false);

    List<ChatMessage> missed = bob.takeMessages(3, TIMEOUT);
    assertThat(missed).filteredOn(m -> m.room().equals("dm:alice:bob")).extracting(ChatMessage::text)
        .containsExactly("second", "third");
    assertThat(missed).filteredOn(m -> m.room().equals("dm:bob:carol")).extracting(ChatMessage::text)
        .containsExactly("hello from carol");
    List<Recovery> recoveries = List.of(bob.takeRecovery(TIMEOUT), bob.takeRecovery(TIMEOUT));
    assertThat(recoveries).allMatch(Recovery::recovered);
    assertThat(recoveries).extracting(Recovery::room).containsExactlyInAnyOrder("dm:alice:bob", "dm:bob:carol");
  }

  @Test
  void afterARestartOnAFreshInMemoryStoreEachRoomReportsOnceThatItCannotRecover() {
    String name = InMemoryServerTransport.generateName();
    ChatServer first = chat.startServer(name, b -> {});
    RecordingListener bob = new RecordingListener();
    ChatClient bobClient = chat.connect(ChatClient.builder(InMemoryClientTransport.forName(name))
        .name("bob").listener(bob).reconnect(QUICK));
    String epoch = bobClient.join("general").join().epoch();
    bobClient.join("random").join();
    first.post("general", "one").join();
    first.post("general", "two").join();
    first.post("random", "three").join();
    bob.takeMessages(3, TIMEOUT);

    first.close();
    assertThat(bob.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.GOING_AWAY);
    ChatServer second = chat.startServer(name, b -> {});

    bob.takeWelcome(TIMEOUT);
    assertThat(bob.takeWelcome(TIMEOUT).resumed()).as("a new server knows no session").isFalse();
    List<Recovery> recoveries = List.of(bob.takeRecovery(TIMEOUT), bob.takeRecovery(TIMEOUT));
    assertThat(recoveries).extracting(Recovery::room).containsExactlyInAnyOrder("general", "random");
    assertThat(recoveries).noneMatch(Recovery::recovered);
    assertThat(recoveries).allSatisfy(r -> {
      assertThat(r.since().epoch()).isEqualTo(epoch);
      assertThat(r.latest().epoch()).isNotEqualTo(epoch);
    });
    assertThat(recoveries).filteredOn(r -> r.room().equals("general")).extracting(r -> r.since().seq())
        .containsExactly(2L);

    second.post("general", "in the new log").join();
    ChatMessage next = bob.takeMessage(TIMEOUT);
    assertThat(next.text()).isEqualTo("in the new log");
    assertThat(next.seq()).isEqualTo(1);
    assertThat(bob.pendingRecoveries()).as("once per room").isEmpty();
  }

  @Test
  void aClientTooSlowToReadIsClosedWith4009AndCatchesUpWhenItComesBack() throws InterruptedException {
    ChatServer server = chat.startServer(b -> b.presenceGrace(Duration.ofSeconds(30)).limits(
        NO_RATE_LIMIT.toBuilder().outboundQueueFrames(20).outboundQueueBytes(64 * 1024).build()));
    CountDownLatch release = new CountDownLatch(1);
    RecordingListener bob = new RecordingListener();
    ChatClient bobClient = chat.connect(ChatClient.builder(chat.clientTransport()).name("bob")
        .reconnect(QUICK).listener(new ChatListener() {
          @Override
          public void onMessage(ChatMessage message) {
            awaitQuietly(release);
            bob.onMessage(message);
          }

          @Override
          public void onRecovery(Recovery recovery) {
            bob.onRecovery(recovery);
          }

          @Override
          public void onDisconnected(Disconnect disconnect) {
            bob.onDisconnected(disconnect);
          }
        }));
    bobClient.join("general").join();
    ChatClient alice = chat.connect("alice");
    alice.join("general").join();

    int sent = 0;
    try {
      while (server.onlineUsers().stream().anyMatch(u -> u.id().equals("bob"))) {
        assertThat(sent).as("messages sent before bob was closed").isLessThan(20_000);
        List<CompletableFuture<SendReceipt>> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          batch.add(alice.send("general", "x".repeat(200)));
        }
        batch.forEach(CompletableFuture::join);
        sent += batch.size();
      }
    } finally {
      release.countDown();
    }

    assertThat(bob.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.SLOW_CONSUMER);
    assertThat(bob.takeMessages(sent, TIMEOUT)).extracting(ChatMessage::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, sent).boxed().toList());
    assertThat(bob.takeRecovery(TIMEOUT).recovered()).isTrue();
    assertThat(bob.pendingMessages()).isEmpty();
  }

  @Test
  void aUserDisconnectedByTheServerIsNotReconnected() {
    ChatServer server = chat.startServer(longGrace());
    RecordingListener bob = new RecordingListener();
    ChatClient bobClient = connect(new FlakyClientTransport(chat.clientTransport()), "bob", bob);

    server.disconnect("bob");
    assertThat(bob.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.KICKED);
    assertThat(bob.takeConnectionState(ConnectionState.Kind.CLOSED, TIMEOUT).disconnect().code())
        .isEqualTo(CloseCodes.KICKED);
    assertUnavailable(bobClient.rooms());
    assertThat(bob.pendingConnectionStates()).isEmpty();
  }

  @Test
  void aSessionTakenOverByANewerConnectionIsNotFoughtFor() {
    chat.startServer(longGrace());
    RecordingListener first = new RecordingListener();
    ChatClient firstClient = connect(new FlakyClientTransport(chat.clientTransport()), "bob", first);
    firstClient.join("general").join();

    ChatClient second = chat.connect(ChatClient.builder(chat.clientTransport()).name("bob")
        .resume(firstClient.welcome().session()));
    assertThat(second.welcome().resumed()).isTrue();
    assertThat(first.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.SESSION_TAKEN_OVER);
    assertThat(first.takeConnectionState(ConnectionState.Kind.CLOSED, TIMEOUT).disconnect().code())
        .isEqualTo(CloseCodes.SESSION_TAKEN_OVER);
    assertThat(second.send("general", "still mine").join().seq()).isEqualTo(1);
  }

  @Test
  void withReconnectDisabledALostConnectionClosesTheClient() {
    chat.startServer(longGrace());
    FlakyClientTransport flaky = new FlakyClientTransport(chat.clientTransport());
    RecordingListener bob = new RecordingListener();
    ChatClient bobClient = chat.connect(ChatClient.builder(flaky).name("bob").listener(bob)
        .reconnect(ReconnectPolicy.disabled()));

    flaky.cut();
    assertThat(bob.takeConnectionState(ConnectionState.Kind.CLOSED, TIMEOUT).disconnect().code())
        .isEqualTo(CloseCodes.ABNORMAL);
    assertThat(flaky.connects()).isEqualTo(1);
    assertUnavailable(bobClient.send("general", "anyone?"));
  }

  @Test
  void closingWhileReconnectingFailsTheWaitingSends() {
    chat.startServer(longGrace());
    FlakyClientTransport flaky = new FlakyClientTransport(chat.clientTransport());
    RecordingListener bob = new RecordingListener();
    ChatClient bobClient = connect(flaky, "bob", bob);
    flaky.refuseConnections(true);
    flaky.cut();
    bob.takeConnectionState(ConnectionState.Kind.RECONNECTING, TIMEOUT);
    CompletableFuture<SendReceipt> waiting = bobClient.sendDirect("alice", "are you there?");

    bobClient.close();
    assertUnavailable(waiting);
    assertThat(bob.takeConnectionState(ConnectionState.Kind.CLOSED, TIMEOUT).disconnect().code())
        .isEqualTo(CloseCodes.NORMAL);
  }

  private static void assertUnavailable(CompletableFuture<?> future) {
    try {
      future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOfSatisfying(ChatException.class,
          error -> assertThat(error.code()).isEqualTo(Code.UNAVAILABLE));
      return;
    } catch (Exception e) {
      throw new AssertionError("expected unavailable, got " + e, e);
    }
    throw new AssertionError("expected the request to fail");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(TIMEOUT.toMillis() * 6, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
