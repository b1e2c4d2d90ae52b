package dev.natter.chat.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatException;
import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatServer;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.Cursor;
import dev.natter.chat.Disconnect;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.JoinResult;
import dev.natter.chat.Limits;
import dev.natter.chat.PageRequest;
import dev.natter.chat.Presence;
import dev.natter.chat.ReconnectPolicy;
import dev.natter.chat.Recovery;
import dev.natter.chat.SendReceipt;
import dev.natter.chat.User;
import dev.natter.chat.Welcome;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The transport conformance suite: what every transport must do, through the public API, the same way.
 * A transport's tests extend it with two factory methods; the transport is done when it passes.
 *
 * <p>Each test starts its own server on a fresh server transport and closes everything afterwards.
 */
public abstract class TransportConformanceTest {
  protected static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final List<AutoCloseable> resources = new ArrayList<>();
  /** The server transports of the latest deployment, one per node. */
  private List<ServerTransport> serverTransports = List.of();
  private int nextNode;
  private ChatServer server;

  /** A new, unstarted server transport; each test makes one. */
  protected abstract ServerTransport newServerTransport();

  /** A client transport connecting to {@code server}, once the server has started. */
  protected abstract ClientTransport newClientTransport(ServerTransport server);

  private final Map<String, HistoryStore> inMemoryStores = new HashMap<>();
  private int serversStarted;

  /**
   * Opens the history store named {@code name}; every server the suite starts gets one. Opening a name
   * again, after the server that had it was closed (which closed the store), must give a store over the
   * same data: that is how the suite restarts a server. The default keeps in-memory stores, which
   * outlive their close; a durable store's suite opens the same file or database again, and so runs the
   * whole suite on that store.
   */
  protected HistoryStore openStore(String name) {
    return inMemoryStores.computeIfAbsent(name, n -> HistoryStore.inMemory());
  }

  /**
   * The nodes of each server the suite starts, not started: one {@link Cluster#standalone()} by default.
   * A cluster's suite returns several nodes of a new cluster; each gets its own server transport and
   * {@link #openStore opens} the same store name, and {@link #client()} hands the nodes out in turn.
   */
  protected List<Cluster> newClusterNodes() {
    return List.of(Cluster.standalone());
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  // ---- join, leave and presence ----

  @Test
  @DisplayName("members see each other join and leave, with the reason")
  void joinLeaveAndPresence() {
    startServer(b -> b.presenceGrace(Duration.ofMillis(200)));
    RecordingListener alice = new RecordingListener();
    ChatClient aliceClient = connect("alice", alice);
    JoinResult aliceJoined = aliceClient.join("general").join();
    assertThat(aliceJoined.members()).extracting(User::id).containsExactly("alice");

    ChatClient bob = connect("Bob", new RecordingListener());
    JoinResult bobJoined = bob.join("general").join();
    assertThat(bobJoined.members()).extracting(User::id).containsExactly("alice", "bob");
    assertThat(alice.takePresence(TIMEOUT)).isEqualTo(Presence.join("general", new User("bob", "Bob")));

    bob.leave("general").join();
    assertThat(alice.takePresence(TIMEOUT))
        .isEqualTo(Presence.leave("general", new User("bob", "Bob"), Presence.Reason.LEFT));
    assertThat(aliceClient.members("general").join()).extracting(User::id).containsExactly("alice");

    bob.join("general").join();
    alice.takePresence(TIMEOUT);
    bob.close();
    assertThat(alice.takePresence(TIMEOUT).reason()).isEqualTo(Presence.Reason.LEFT);

    DroppableClientTransport carolTransport = droppable();
    ChatClient carol = connect(ChatClient.builder(carolTransport).name("carol"));
    carol.join("general").join();
    alice.takePresence(TIMEOUT);
    carolTransport.drop();
    Presence carolLeft = alice.takePresence(TIMEOUT);
    assertThat(carolLeft.user().id()).isEqualTo("carol");
    assertThat(carolLeft.reason()).isEqualTo(Presence.Reason.DISCONNECT);
  }

  @Test
  @DisplayName("with authentication, every session of a user receives what is addressed to the user")
  void everySessionOfAUserGetsItsDirectMessages() {
    startServer(b -> b.authenticator(request -> new User(request.token(), request.token())));
    ChatClient alice = connect(ChatClient.builder(client()).token("alice"));
    RecordingListener phone = new RecordingListener();
    RecordingListener laptop = new RecordingListener();
    connect(ChatClient.builder(client()).token("bob").listener(phone));
    ChatClient bobLaptop = connect(ChatClient.builder(client()).token("bob").listener(laptop));

    alice.sendDirect("bob", "to both of your devices").join();

    assertThat(phone.takeMessage(TIMEOUT).text()).isEqualTo("to both of your devices");
    assertThat(laptop.takeMessage(TIMEOUT).text()).isEqualTo("to both of your devices");
    bobLaptop.sendDirect("alice", "and my own copies").join();
    assertThat(phone.takeMessage(TIMEOUT).text()).as("the sender's other session too").isEqualTo("and my own copies");
  }

  @Test
  @DisplayName("a user with two sessions in a room is one member: one join, one leave")
  void oneMemberForSeveralSessions() {
    startServer(b -> b.authenticator(request -> new User(request.token(), request.token())));
    RecordingListener alice = new RecordingListener();
    ChatClient aliceClient = connect(ChatClient.builder(client()).token("alice").listener(alice));
    aliceClient.join("general").join();
    ChatClient bobPhone = connect(ChatClient.builder(client()).token("bob"));
    ChatClient bobLaptop = connect(ChatClient.builder(client()).token("bob"));
    bobPhone.join("general").join();
    bobLaptop.join("general").join();
    assertThat(alice.takePresence(TIMEOUT).event()).isEqualTo(Presence.Event.JOIN);

    bobPhone.leave("general").join();
    bobLaptop.send("general", "still here").join();
    assertThat(alice.takeMessage(TIMEOUT).text()).isEqualTo("still here");
    assertThat(alice.pendingPresence()).as("no leave while a session remains").isEmpty();

    bobLaptop.leave("general").join();
    assertThat(alice.takePresence(TIMEOUT).event()).isEqualTo(Presence.Event.LEAVE);
  }

  // ---- messages ----

  @Test
  @DisplayName("8 clients sending 200 messages each concurrently all see 1600 in one seq order")
  void broadcastOrderWithConcurrentSenders() {
    // Every client pipelines its 200 sends: a burst of 1800 frames each, more than the default queue.
    startServer(b -> b.limits(
        Limits.defaults().toBuilder().rateLimit(null).outboundQueueFrames(10_000).build()));
    int clients = 8;
    int perClient = 200;
    List<RecordingListener> listeners = new ArrayList<>();
    List<ChatClient> senders = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      RecordingListener listener = new RecordingListener();
      ChatClient client = connect("user" + i, listener);
      client.join("general").join();
      listeners.add(listener);
      senders.add(client);
    }
    List<CompletableFuture<SendReceipt>> sends = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      ChatClient sender = senders.get(i);
      int index = i;
      Thread thread = new Thread(() -> {
        for (int n = 0; n < perClient; n++) {
          CompletableFuture<SendReceipt> sent = sender.send("general", "m" + index + "-" + n);
          synchronized (sends) {
            sends.add(sent);
          }
        }
      });
      threads.add(thread);
      thread.start();
    }
    threads.forEach(TransportConformanceTest::joinThread);
    sends.forEach(CompletableFuture::join);

    List<String> firstOrder = null;
    for (RecordingListener listener : listeners) {
      List<ChatMessage> received = listener.takeMessages(clients * perClient, TIMEOUT);
      assertThat(received).extracting(ChatMessage::seq)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, clients * perClient).boxed().toList());
      List<String> order = received.stream().map(ChatMessage::mid).toList();
      if (firstOrder == null) {
        firstOrder = order;
      } else {
        assertThat(order).isEqualTo(firstOrder);
      }
      assertPerSenderOrder(received, clients, perClient);
    }
  }

  @Test
  @DisplayName("a direct message reaches both users and nobody else")
  void directMessagesArePrivate() {
    startServer();
    RecordingListener alice = new RecordingListener();
    RecordingListener bob = new RecordingListener();
    RecordingListener eve = new RecordingListener();
    ChatClient aliceClient = connect("alice", alice);
    connect("bob", bob);
    ChatClient eveClient = connect("eve", eve);
    aliceClient.join("general").join();
    eveClient.join("general").join();

    SendReceipt sent = aliceClient.sendDirect("bob", "psst").join();
    assertThat(sent.room()).isEqualTo("dm:alice:bob");
    ChatMessage atBob = bob.takeMessage(TIMEOUT);
    assertThat(atBob.text()).isEqualTo("psst");
    assertThat(atBob.to()).isEqualTo(new User("bob", "bob"));
    assertThat(atBob.from()).isEqualTo(new User("alice", "alice"));
    assertThat(alice.takeMessage(TIMEOUT).mid()).isEqualTo(atBob.mid());

    aliceClient.send("general", "public").join();
    assertThat(eve.takeMessage(TIMEOUT).text()).as("eve's first message").isEqualTo("public");
    assertRefused(eveClient.history("dm:alice:bob", PageRequest.latest(10)), Code.FORBIDDEN);
    assertRefused(eveClient.join("dm:alice:bob"), Code.FORBIDDEN);
    assertRefused(eveClient.members("dm:alice:bob"), Code.FORBIDDEN);
    assertRefused(eveClient.sendDirect("nobody-ever", "hi"), Code.NOT_FOUND);

    ChatClient bobLater = connect("carol");
    assertThat(bobLater.welcome().directs()).isEmpty();
  }

  @Test
  @DisplayName("history pages backwards and forwards, oldest first, saying whether more remain")
  void historyPaging() {
    startServer(b -> b.limits(Limits.defaults().toBuilder().rateLimit(null).build()));
    ChatClient alice = connect("alice");
    alice.join("general").join();
    for (int i = 1; i <= 30; i++) {
      alice.send("general", "message " + i).join();
    }
    assertPage(alice.history("general", PageRequest.latest(10)).join(), 21, 30, true);
    assertPage(alice.history("general", PageRequest.before(21, 10)).join(), 11, 20, true);
    assertPage(alice.history("general", PageRequest.before(11, 10)).join(), 1, 10, false);
    assertPage(alice.history("general", PageRequest.after(0, 25)).join(), 1, 25, true);
    assertPage(alice.history("general", PageRequest.after(25, 10)).join(), 26, 30, false);
    assertPage(alice.history("general", PageRequest.latest(500)).join(), 1, 30, false);
  }

  // ---- recovery ----

  @Test
  @DisplayName("rejoining with a cursor recovers exactly the missed messages; a stale epoch does not")
  void recoveryWithMatchingAndStaleEpoch() {
    startServer(b -> b.limits(Limits.defaults().toBuilder().rateLimit(null).build()));
    ChatClient alice = connect("alice");
    alice.join("general").join();
    ChatClient bob = connect("bob");
    bob.join("general").join();
    SendReceipt last = null;
    for (int i = 1; i <= 5; i++) {
      last = alice.send("general", "before " + i).join();
    }
    String epoch = bob.history("general", PageRequest.latest(1)).join().epoch();
    Cursor seen = new Cursor(last.seq(), epoch);
    bob.close();
    for (int i = 1; i <= 3; i++) {
      alice.send("general", "missed " + i).join();
    }

    RecordingListener bobAgain = new RecordingListener();
    ChatClient bob2 = connect("carol", bobAgain);
    JoinResult recovered = bob2.join("general", seen).join();
    assertThat(recovered.recovered()).isTrue();
    assertThat(recovered.messages()).extracting(ChatMessage::text)
        .containsExactly("missed 1", "missed 2", "missed 3");
    assertThat(recovered.more()).isFalse();
    Recovery outcome = bobAgain.takeRecovery(TIMEOUT);
    assertThat(outcome.recovered()).isTrue();
    assertThat(outcome.latest()).isEqualTo(new Cursor(8, epoch));

    JoinResult stale = bob2.join("general", new Cursor(5, "another-epoch")).join();
    assertThat(stale.recovered()).isFalse();
    assertThat(stale.messages()).hasSize(8);
    assertThat(bobAgain.takeRecovery(TIMEOUT).recovered()).isFalse();

    JoinResult ahead = bob2.join("general", new Cursor(99, epoch)).join();
    assertThat(ahead.recovered()).as("a cursor beyond the room's latest").isFalse();
  }

  @Test
  @DisplayName("after a restart on the same store, a cursor recovers exactly the missed messages")
  void recoveryAcrossAServerRestart() {
    Limits noRateLimit = Limits.defaults().toBuilder().rateLimit(null).build();
    ChatServer first = startServer("restart", b -> b.limits(noRateLimit));
    ChatClient alice = connect("alice");
    alice.join("general").join();
    ChatClient bob = connect("bob");
    JoinResult bobJoined = bob.join("general").join();
    for (int i = 1; i <= 3; i++) {
      alice.send("general", "seen " + i).join();
    }
    Cursor seen = new Cursor(3, bobJoined.epoch());
    bob.close();
    alice.send("general", "missed 1").join();
    alice.send("general", "missed 2").join();
    alice.close();
    first.close();

    startServer("restart", b -> b.limits(noRateLimit));
    ChatClient bobAgain = connect("bob");
    JoinResult recovered = bobAgain.join("general", seen).join();

    assertThat(recovered.recovered()).isTrue();
    assertThat(recovered.epoch()).isEqualTo(seen.epoch());
    assertThat(recovered.messages()).extracting(ChatMessage::text).containsExactly("missed 1", "missed 2");
    assertThat(recovered.messages()).extracting(ChatMessage::seq).containsExactly(4L, 5L);
    assertThat(bobAgain.send("general", "after the restart").join().seq()).isEqualTo(6);
  }

  // ---- idempotency, names, limits ----

  @Test
  @DisplayName("a send repeated with the same cid is stored and delivered once")
  void idempotentCid() {
    startServer();
    ChatClient bob = connect("bob", new RecordingListener());
    bob.join("general").join();
    try (RawConnection alice = RawConnection.open(client())) {
      alice.hello("alice");
      alice.send(new ClientFrame.Join("j", "general", null, null, null));
      alice.take(ServerFrame.Joined.class);
      alice.send(new ClientFrame.Send("s1", "general", null, "once", "cid-1"));
      ServerFrame.SendOk first = (ServerFrame.SendOk) alice.takeReply();
      alice.send(new ClientFrame.Send("s2", "general", null, "twice?", "cid-1"));
      ServerFrame.SendOk second = (ServerFrame.SendOk) alice.takeReply();
      assertThat(second.id()).isEqualTo("s2");
      assertThat(second.seq()).isEqualTo(first.seq());
      assertThat(second.mid()).isEqualTo(first.mid());
    }
    HistoryPage page = bob.history("general", PageRequest.latest(10)).join();
    assertThat(page.messages()).extracting(ChatMessage::text).containsExactly("once");
    assertThat(page.messages().get(0).cid()).isEqualTo("cid-1");
  }

  @Test
  @DisplayName("a send resent with its cid after a server restart gets the first ok and is stored once")
  void idempotentCidAcrossAServerRestart() {
    ChatServer first = startServer("cid-restart", b -> {});
    ServerFrame.SendOk before;
    try (RawConnection alice = RawConnection.open(client())) {
      alice.hello("alice");
      alice.send(new ClientFrame.Join("j", "general", null, null, null));
      alice.take(ServerFrame.Joined.class);
      alice.send(new ClientFrame.Send("s1", "general", null, "once", "cid-1"));
      before = (ServerFrame.SendOk) alice.takeReply();
    }
    first.close();

    startServer("cid-restart", b -> {});
    try (RawConnection alice = RawConnection.open(client())) {
      alice.hello("alice");
      alice.send(new ClientFrame.Join("j", "general", null, null, null));
      alice.take(ServerFrame.Joined.class);
      alice.send(new ClientFrame.Send("s2", "general", null, "once, resent", "cid-1"));
      ServerFrame.SendOk after = (ServerFrame.SendOk) alice.takeReply();
      assertThat(after.id()).isEqualTo("s2");
      assertThat(after.seq()).isEqualTo(before.seq());
      assertThat(after.mid()).isEqualTo(before.mid());
    }
    ChatClient bob = connect("bob");
    bob.join("general").join();
    HistoryPage page = bob.history("general", PageRequest.latest(10)).join();
    assertThat(page.messages()).extracting(ChatMessage::text).containsExactly("once");
  }

  @Test
  @DisplayName("a name held by another session is refused, whatever its case")
  void nameTaken() {
    startServer();
    connect("alice");
    ChatClient impostor = track(ChatClient.builder(client()).name("ALICE").build());
    assertRefused(impostor.connect(), Code.NAME_TAKEN);
  }

  @Test
  @DisplayName("sends past the rate limit are refused with a retry hint, and flooding closes with 4008")
  void rateLimit() {
    startServer(b -> b.limits(
        Limits.defaults().toBuilder().rateLimit(Limits.RateLimit.of(3, Duration.ofMinutes(1))).build()));
    ChatClient alice = connect("alice");
    alice.join("general").join();
    for (int i = 0; i < 3; i++) {
      alice.send("general", "ok " + i).join();
    }
    ChatException refused = refusal(alice.send("general", "too many"));
    assertThat(refused.code()).isEqualTo(Code.RATE_LIMITED);
    assertThat(refused.status().retryAfter()).isPositive();
    assertThat(alice.history("general", PageRequest.latest(10)).join().messages()).hasSize(3);

    try (RawConnection flooder = RawConnection.open(client())) {
      flooder.hello("flooder");
      flooder.send(new ClientFrame.Join("j", "general", null, null, null));
      flooder.take(ServerFrame.Joined.class);
      for (int i = 0; i < 8; i++) {
        flooder.send(new ClientFrame.Send("s" + i, "general", null, "flood", null));
      }
      List<Code> codes = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ServerFrame reply = flooder.takeReply();
        if (reply instanceof ServerFrame.ErrorReply error) {
          codes.add(error.status().code());
          if (codes.size() == 5) {
            break;
          }
        }
      }
      assertThat(codes).containsOnly(Code.RATE_LIMITED).hasSize(5);
      assertThat(flooder.awaitClose()).isEqualTo(CloseCodes.RATE_LIMITED);
    }
  }

  @Test
  @DisplayName("past maxConnections a new connection is closed with 1013, and a closed one frees its slot")
  void connectionLimit() {
    ChatServer chat = startServer(b -> b.limits(Limits.defaults().toBuilder().maxConnections(2).build()));
    RawConnection first = track(RawConnection.open(clientOfNode(0)));
    first.hello("first");
    // Not yet said hello, but it holds a slot all the same.
    RawConnection silent = track(RawConnection.open(clientOfNode(0)));
    try (RawConnection third = RawConnection.open(clientOfNode(0))) {
      assertThat(third.awaitClose()).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
    }
    first.close();
    awaitOffline(chat, "first");
    RawConnection fourth = track(RawConnection.open(clientOfNode(0)));
    assertThat(fourth.hello("fourth").user().id()).isEqualTo("fourth");
    assertThat(silent.hello("silent").user().id()).as("the connection that held a slot is served").isEqualTo("silent");
  }

  @Test
  @DisplayName("a client that stops reading is closed with 4009 while the others keep receiving")
  void slowConsumerIsClosed() throws InterruptedException {
    // Bounds far below the defaults, yet above what a reader that keeps up has queued while a transport
    // gathers its frames into one write (the WebSocket server under load holds a burst for its I/O thread).
    ChatServer chat = startServer(b -> b.limits(Limits.defaults().toBuilder()
        .rateLimit(null).outboundQueueFrames(200).outboundQueueBytes(640 * 1024).build()));
    CountDownLatch release = new CountDownLatch(1);
    RecordingListener slowEvents = new RecordingListener();
    ChatClient slow = connect("slow", new ChatListener() {
      @Override
      public void onMessage(ChatMessage message) {
        awaitQuietly(release);
      }

      @Override
      public void onDisconnected(Disconnect disconnect) {
        slowEvents.onDisconnected(disconnect);
      }
    });
    slow.join("general").join();
    RecordingListener fast = new RecordingListener();
    connect("fast", fast).join("general").join();
    ChatClient sender = connect("sender");
    sender.join("general").join();

    // Small batches: the sender and the fast reader must stay well inside the queue bound themselves.
    String text = "x".repeat(500);
    int sent = 0;
    try {
      while (chat.onlineUsers().stream().anyMatch(u -> u.id().equals("slow"))) {
        assertThat(sent).as("messages sent before the slow client was closed").isLessThan(20_000);
        List<CompletableFuture<SendReceipt>> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          batch.add(sender.send("general", text));
        }
        batch.forEach(CompletableFuture::join);
        sent += batch.size();
      }
      assertThat(fast.takeMessages(sent, TIMEOUT)).extracting(ChatMessage::seq)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, sent).boxed().toList());
    } finally {
      release.countDown();
    }
    assertThat(slowEvents.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.SLOW_CONSUMER);
  }

  // ---- sessions ----

  @Test
  @DisplayName("a session resumed within the grace period keeps its rooms, and nobody sees it leave")
  void resumeWithinGrace() {
    startServer(b -> b.presenceGrace(Duration.ofSeconds(30)));
    RecordingListener alice = new RecordingListener();
    ChatClient aliceClient = connect("alice", alice);
    aliceClient.join("general").join();
    DroppableClientTransport bobTransport = droppable();
    ChatClient bob = connect(ChatClient.builder(bobTransport).name("bob"));
    bob.join("general").join();
    alice.takePresence(TIMEOUT);
    String token = bob.welcome().session();
    bobTransport.drop();

    ChatClient bobAgain = connect(ChatClient.builder(client()).name("bob").resume(token));
    assertThat(bobAgain.welcome().resumed()).isTrue();
    assertThat(bobAgain.welcome().session()).isNotEqualTo(token);
    bobAgain.send("general", "back").join();
    assertThat(alice.takeMessage(TIMEOUT).text()).isEqualTo("back");
    assertThat(alice.pendingPresence()).as("presence events while bob was away").isEmpty();
  }

  @Test
  @DisplayName("a dropped client reconnects by itself, resumes its session, and misses nothing")
  void aDroppedClientReconnectsAndMissesNothing() {
    startServer(b -> b.presenceGrace(Duration.ofSeconds(30)));
    RecordingListener alice = new RecordingListener();
    ChatClient aliceClient = connect("alice", alice);
    aliceClient.join("general").join();
    DroppableClientTransport bobTransport = droppable();
    RecordingListener bob = new RecordingListener();
    ChatClient bobClient = connect(ChatClient.builder(bobTransport).name("bob").listener(bob)
        .reconnect(ReconnectPolicy.defaults().withInitialDelay(Duration.ofMillis(10))));
    bobClient.join("general").join();
    alice.takePresence(TIMEOUT);
    aliceClient.send("general", "before").join();
    assertThat(bob.takeMessage(TIMEOUT).text()).isEqualTo("before");

    bobTransport.drop();
    bob.takeDisconnect(TIMEOUT);
    aliceClient.send("general", "meanwhile 1").join();
    aliceClient.send("general", "meanwhile 2").join();

    bob.takeWelcome(TIMEOUT);
    assertThat(bob.takeWelcome(TIMEOUT).resumed()).isTrue();
    assertThat(bob.takeMessages(2, TIMEOUT)).extracting(ChatMessage::text)
        .containsExactly("meanwhile 1", "meanwhile 2");
    assertThat(bobClient.send("general", "back").join().seq()).isEqualTo(4);
    assertThat(bob.takeMessage(TIMEOUT).text()).as("nothing twice").isEqualTo("back");
    assertThat(alice.takeMessages(4, TIMEOUT)).extracting(ChatMessage::text)
        .containsExactly("before", "meanwhile 1", "meanwhile 2", "back");
    assertThat(alice.pendingPresence()).as("presence events while bob was away").isEmpty();
  }

  @Test
  @DisplayName("a user kicked while away is told on resume and not rejoined to that room")
  void kickedWhileAway() {
    startServer(b -> b.presenceGrace(Duration.ofSeconds(30)));
    connect("alice").join("general").join();
    DroppableClientTransport bobTransport = droppable();
    RecordingListener bob = new RecordingListener();
    ChatClient bobClient = connect(ChatClient.builder(bobTransport).name("bob").listener(bob)
        .reconnect(ReconnectPolicy.defaults().withInitialDelay(Duration.ofMillis(10))));
    bobClient.join("general").join();
    bobClient.join("random").join();
    bob.takeWelcome(TIMEOUT);

    bobTransport.holdConnects();
    bobTransport.drop();
    bob.takeDisconnect(TIMEOUT);
    assertThat(server.kick("general", "bob")).isTrue();
    bobTransport.releaseConnects();

    Welcome resumed = bob.takeWelcome(TIMEOUT);
    assertThat(resumed.resumed()).isTrue();
    assertThat(resumed.rooms()).containsExactly("random");
    assertThat(bob.takePresence(TIMEOUT))
        .isEqualTo(Presence.leave("general", resumed.user(), Presence.Reason.KICKED));
    bobClient.send("random", "after the rejoins").join();
    assertThat(server.members("general")).extracting(User::id).containsExactly("alice");
    assertThat(server.members("random")).extracting(User::id).containsExactly("bob");
  }

  @Test
  @DisplayName("a message sent again with the caller's cid by a new client of the same user is stored once")
  void callersCidAcrossClients() {
    startServer();
    RecordingListener bob = new RecordingListener();
    connect("bob", bob).join("general").join();
    ChatClient first = connect("alice");
    first.join("general").join();
    SendReceipt stored = first.send("general", "order 1 shipped", "order-1").join();
    first.close();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (server.onlineUsers().stream().anyMatch(user -> user.id().equals("alice"))) {
      assertThat(System.nanoTime()).as("alice's first session ends").isLessThan(deadline);
      Thread.onSpinWait(); // polling a condition, with a deadline
    }

    ChatClient second = connect("alice");
    second.join("general").join();
    SendReceipt again = second.send("general", "order 1 shipped", "order-1").join();

    assertThat(again.seq()).isEqualTo(stored.seq());
    assertThat(again.mid()).isEqualTo(stored.mid());
    assertThat(bob.takeMessage(TIMEOUT).cid()).isEqualTo("order-1");
    assertThat(second.send("general", "next").join().seq()).as("nothing stored in between")
        .isEqualTo(stored.seq() + 1);
    assertThatThrownBy(() -> second.send("general", "x", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> second.send("general", "x", "c".repeat(65)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("after the grace period a resume token starts a fresh session")
  void resumeAfterGrace() {
    startServer(b -> b.presenceGrace(Duration.ofMillis(100)));
    RecordingListener alice = new RecordingListener();
    connect("alice", alice).join("general").join();
    DroppableClientTransport bobTransport = droppable();
    ChatClient bob = connect(ChatClient.builder(bobTransport).name("bob"));
    bob.join("general").join();
    alice.takePresence(TIMEOUT);
    String token = bob.welcome().session();
    bobTransport.drop();
    assertThat(alice.takePresence(TIMEOUT).reason()).isEqualTo(Presence.Reason.DISCONNECT);

    ChatClient bobAgain = connect(ChatClient.builder(client()).name("bob").resume(token));
    assertThat(bobAgain.welcome().resumed()).isFalse();
    assertRefused(bobAgain.send("general", "am I in?"), Code.NOT_MEMBER);
  }

  @Test
  @DisplayName("closing the server closes every client with 1001")
  void shutdownClosesClientsWith1001() {
    ChatServer chat = startServer();
    RecordingListener alice = new RecordingListener();
    RecordingListener bob = new RecordingListener();
    connect("alice", alice).join("general").join();
    connect("bob", bob);
    chat.close();
    assertThat(alice.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.GOING_AWAY);
    assertThat(bob.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.GOING_AWAY);
    assertThat(chat.isTerminated()).isTrue();
  }

  // ---- helpers for subclasses and tests ----

  /** Starts a server with the defaults. */
  protected ChatServer startServer() {
    return startServer(b -> {});
  }

  /** Starts a server on a new server transport and a new store, configured by {@code configure}. */
  protected ChatServer startServer(Consumer<ChatServer.Builder> configure) {
    return startServer("server-" + (++serversStarted), configure);
  }

  /**
   * Starts a server on a new server transport and the store named {@code storeName}, configured by
   * {@code configure}; for a cluster, a node per {@link #newClusterNodes()} and a store opened per node.
   * The server returned acts on every node (see {@link ServerNodes}).
   */
  protected ChatServer startServer(String storeName, Consumer<ChatServer.Builder> configure) {
    Deployment deployment =
        Deployment.start(newClusterNodes(), this::newServerTransport, () -> openStore(storeName), configure);
    serverTransports = new ArrayList<>();
    for (int i = 0; i < deployment.size(); i++) {
      serverTransports.add(deployment.transport(i));
    }
    nextNode = 0;
    server = deployment.server();
    resources.add(deployment);
    return server;
  }

  /** A client transport to the running server: to its nodes in turn, the first node first. */
  protected ClientTransport client() {
    return newClientTransport(serverTransports.get(nextNode++ % serverTransports.size()));
  }

  /** A client transport to one node of the running server; for limits that each node counts alone. */
  protected ClientTransport clientOfNode(int node) {
    return newClientTransport(serverTransports.get(node));
  }

  /** A connected client named {@code name}. */
  protected ChatClient connect(String name) {
    return connect(name, new ChatListener() {});
  }

  /** A connected client named {@code name} with a listener. */
  protected ChatClient connect(String name, ChatListener listener) {
    return connect(ChatClient.builder(client()).name(name).listener(listener));
  }

  /** Builds and connects a client, closed after the test. */
  protected ChatClient connect(ChatClient.Builder builder) {
    ChatClient client = track(builder.build());
    Welcome welcome = client.connect().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    assertThat(welcome).isNotNull();
    return client;
  }

  /**
   * Waits until the server no longer counts {@code userId} online: its connection's end has been handled.
   */
  protected static void awaitOffline(ChatServer chat, String userId) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (chat.onlineUsers().stream().anyMatch(u -> u.id().equals(userId))) {
      assertThat(System.nanoTime() - deadline).as("%s still online after %s", userId, TIMEOUT).isNegative();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // paces the polling
    }
  }

  /** Closes {@code resource} after the test. */
  protected <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  private DroppableClientTransport droppable() {
    return new DroppableClientTransport(client());
  }

  private static void assertPage(HistoryPage page, long firstSeq, long lastSeq, boolean more) {
    assertThat(page.messages()).extracting(ChatMessage::seq)
        .containsExactlyElementsOf(LongStream.rangeClosed(firstSeq, lastSeq).boxed().toList());
    assertThat(page.more()).as("more").isEqualTo(more);
  }

  private static void assertPerSenderOrder(List<ChatMessage> received, int clients, int perClient) {
    int[] next = new int[clients];
    for (ChatMessage message : received) {
      String[] parts = message.text().substring(1).split("-");
      int sender = Integer.parseInt(parts[0]);
      assertThat(Integer.parseInt(parts[1])).as("order of user%d's sends", sender).isEqualTo(next[sender]);
      next[sender]++;
    }
    assertThat(next).containsOnly(perClient);
  }

  /** Asserts the future fails with a {@link ChatException} of {@code code}. */
  protected static void assertRefused(CompletableFuture<?> future, Code code) {
    assertThat(refusal(future).code()).isEqualTo(code);
  }

  private static ChatException refusal(CompletableFuture<?> future) {
    assertThatThrownBy(() -> future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
        .hasCauseInstanceOf(ChatException.class);
    return (ChatException) future.handle((value, error) -> error).join();
  }

  private static void joinThread(Thread thread) {
    try {
      thread.join(TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(TIMEOUT.toMillis() * 6, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
