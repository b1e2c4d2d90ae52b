package dev.natter.chat.tck.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatException;
import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatServer;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.PageRequest;
import dev.natter.chat.Presence;
import dev.natter.chat.ReconnectPolicy;
import dev.natter.chat.RoomInfo;
import dev.natter.chat.User;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.tck.Deployment;
import dev.natter.chat.tck.RawConnection;
import dev.natter.chat.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What only a cluster can get wrong: three nodes that must act as one chat. Each test puts its clients
 * on chosen nodes and checks that presence, members, direct messages, resume, moderation and {@code cid}
 * work across them. A cluster implementation's tests extend it with its nodes, a transport and a store
 * the nodes share.
 */
public abstract class CrossNodeChatTest {
  protected static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int NODES = 3;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private Deployment deployment;

  /** Three nodes of a new cluster, not started. */
  protected abstract List<Cluster> newClusterNodes(int count);

  /** A new, unstarted server transport; one per node. */
  protected abstract ServerTransport newServerTransport();

  /** A client transport to {@code server}, once it has started. */
  protected abstract ClientTransport newClientTransport(ServerTransport server);

  /** Opens, for one node, the store all nodes of a test share; called once per node. */
  protected abstract HistoryStore openSharedStore();

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  @DisplayName("members and presence look the same from every node")
  void presenceAndMembersAlikeFromEveryNode() {
    start(b -> {});
    RecordingListener alice = new RecordingListener();
    RecordingListener bob = new RecordingListener();
    ChatClient aliceClient = connect(0, "alice", alice);
    ChatClient bobClient = connect(1, "bob", bob);
    ChatClient carolClient = connect(2, "carol", new RecordingListener());

    aliceClient.join("general").join();
    bobClient.join("general").join();
    carolClient.join("general").join();

    assertThat(alice.takePresence(TIMEOUT)).isEqualTo(Presence.join("general", user("bob")));
    assertThat(alice.takePresence(TIMEOUT)).isEqualTo(Presence.join("general", user("carol")));
    assertThat(bob.takePresence(TIMEOUT)).isEqualTo(Presence.join("general", user("carol")));
    List<User> everyone = List.of(user("alice"), user("bob"), user("carol"));
    for (int node = 0; node < NODES; node++) {
      assertThat(deployment.node(node).members("general")).as("members from node %d", node).isEqualTo(everyone);
      assertThat(deployment.node(node).rooms()).as("rooms from node %d", node)
          .containsExactly(new RoomInfo("general", 3));
      assertThat(deployment.node(node).onlineUsers()).as("online from node %d", node).isEqualTo(everyone);
    }
    for (ChatClient client : List.of(aliceClient, bobClient, carolClient)) {
      assertThat(client.members("general").join()).isEqualTo(everyone);
    }

    carolClient.leave("general").join();
    assertThat(alice.takePresence(TIMEOUT)).isEqualTo(Presence.leave("general", user("carol"), Presence.Reason.LEFT));
    assertThat(bob.takePresence(TIMEOUT)).isEqualTo(Presence.leave("general", user("carol"), Presence.Reason.LEFT));
    assertThat(deployment.node(0).members("general")).isEqualTo(List.of(user("alice"), user("bob")));
  }

  @Test
  @DisplayName("a user with sessions on two nodes is one member: one join, one leave")
  void oneMemberAcrossNodes() {
    start(b -> b.authenticator(request -> new User(request.token(), request.token())));
    RecordingListener watcher = new RecordingListener();
    connect(2, ChatClient.builder(client(2)).token("watcher").listener(watcher)).join("general").join();
    ChatClient phone = connect(0, ChatClient.builder(client(0)).token("bob"));
    ChatClient laptop = connect(1, ChatClient.builder(client(1)).token("bob"));

    phone.join("general").join();
    laptop.join("general").join();
    assertThat(watcher.takePresence(TIMEOUT)).isEqualTo(Presence.join("general", user("bob")));
    phone.leave("general").join();
    laptop.send("general", "still here").join();
    assertThat(watcher.takeMessage(TIMEOUT).text()).isEqualTo("still here");
    assertThat(watcher.pendingPresence()).as("no leave while a session remains").isEmpty();

    laptop.leave("general").join();
    assertThat(watcher.takePresence(TIMEOUT)).isEqualTo(Presence.leave("general", user("bob"), Presence.Reason.LEFT));
  }

  @Test
  @DisplayName("an anonymous name held on one node is taken on every node")
  void nameTakenOnAnotherNode() {
    start(b -> {});
    connect(0, "alice", new RecordingListener());
    for (int node = 1; node < NODES; node++) {
      ChatClient impostor = track(ChatClient.builder(client(node)).name("Alice").build());
      assertRefused(impostor.connect(), Code.NAME_TAKEN);
    }
  }

  @Test
  @DisplayName("a direct message reaches every session of both users, whatever their nodes")
  void directMessagesAcrossNodes() {
    start(b -> b.authenticator(request -> new User(request.token(), request.token())));
    RecordingListener alicePhone = new RecordingListener();
    RecordingListener aliceLaptop = new RecordingListener();
    RecordingListener bob = new RecordingListener();
    ChatClient phone = connect(0, ChatClient.builder(client(0)).token("alice").listener(alicePhone));
    connect(1, ChatClient.builder(client(1)).token("alice").listener(aliceLaptop));
    ChatClient bobClient = connect(2, ChatClient.builder(client(2)).token("bob").listener(bob));

    phone.sendDirect("bob", "hi bob").join();
    bobClient.sendDirect("alice", "hi alice").join();

    List<String> names = List.of("alice's phone", "alice's laptop", "bob");
    List<RecordingListener> listeners = List.of(alicePhone, aliceLaptop, bob);
    for (int i = 0; i < listeners.size(); i++) {
      assertThat(listeners.get(i).takeMessages(2, TIMEOUT)).as(names.get(i)).extracting(ChatMessage::text)
          .containsExactly("hi bob", "hi alice");
    }
  }

  @Test
  @DisplayName("a session resumed on another node closes the old connection with 4002, and nobody sees a leave")
  void resumeOnAnotherNode() {
    start(b -> b.presenceGrace(Duration.ofSeconds(30)));
    RecordingListener alice = new RecordingListener();
    ChatClient aliceClient = connect(2, "alice", alice);
    aliceClient.join("general").join();
    RecordingListener bobFirst = new RecordingListener();
    ChatClient bob = connect(0, ChatClient.builder(client(0)).name("bob").listener(bobFirst)
        .reconnect(ReconnectPolicy.disabled()));
    bob.join("general").join();
    assertThat(alice.takePresence(TIMEOUT).event()).isEqualTo(Presence.Event.JOIN);

    try (RawConnection bobAgain = RawConnection.open(client(1))) {
      bobAgain.send(new ClientFrame.Hello("h", 1, "bob", null, bob.welcome().session()));
      ServerFrame.Welcome welcome = bobAgain.take(ServerFrame.Welcome.class);

      assertThat(welcome.resumed()).isTrue();
      assertThat(welcome.rooms()).containsExactly("general");
      assertThat(bobFirst.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.SESSION_TAKEN_OVER);
      aliceClient.send("general", "where are you, bob?").join();
      assertThat(alice.takeMessage(TIMEOUT).text()).as("alice's own copy").isEqualTo("where are you, bob?");
      assertThat(bobAgain.take(ServerFrame.MessageEvent.class).message().text())
          .as("the session is in its rooms on its new node without joining again")
          .isEqualTo("where are you, bob?");
      bobAgain.send(new ClientFrame.Send("s", "general", null, "moved", null));
      assertThat(alice.takeMessage(TIMEOUT).text()).isEqualTo("moved");
      assertThat(alice.pendingPresence()).as("presence while bob moved").isEmpty();
    }
  }

  @Test
  @DisplayName("kick, mute and disconnect on one node act on users of the others")
  void moderationAcrossNodes() {
    start(b -> {});
    RecordingListener alice = new RecordingListener();
    RecordingListener bob = new RecordingListener();
    ChatClient aliceClient = connect(0, "alice", alice);
    ChatClient bobClient = connect(1, ChatClient.builder(client(1)).name("bob").listener(bob)
        .reconnect(ReconnectPolicy.disabled()));
    aliceClient.join("general").join();
    bobClient.join("general").join();
    alice.takePresence(TIMEOUT);
    ChatServer admin = deployment.node(2);

    admin.mute("general", "bob");
    assertRefused(bobClient.send("general", "muted?"), Code.FORBIDDEN);
    admin.unmute("general", "bob");
    bobClient.send("general", "unmuted").join();
    assertThat(alice.takeMessage(TIMEOUT).text()).isEqualTo("unmuted");

    assertThat(admin.kick("general", "bob")).isTrue();
    Presence kicked = Presence.leave("general", user("bob"), Presence.Reason.KICKED);
    assertThat(alice.takePresence(TIMEOUT)).isEqualTo(kicked);
    assertThat(bob.takePresence(TIMEOUT)).isEqualTo(kicked);
    assertRefused(bobClient.send("general", "still in?"), Code.NOT_MEMBER);

    bobClient.join("general").join();
    assertThat(alice.takePresence(TIMEOUT).event()).isEqualTo(Presence.Event.JOIN);
    assertThat(admin.disconnect("bob")).isEqualTo(1);
    assertThat(bob.takeDisconnect(TIMEOUT).code()).isEqualTo(CloseCodes.KICKED);
    assertThat(alice.takePresence(TIMEOUT)).isEqualTo(kicked);
  }

  @Test
  @DisplayName("one cid sent to two nodes at once is stored once, and both get the same ok")
  void cidSentToTwoNodesIsStoredOnce() throws Exception {
    start(b -> b.authenticator(request -> new User(request.token(), request.token())));
    try (RawConnection first = RawConnection.open(client(0));
        RawConnection second = RawConnection.open(client(1))) {
      first.send(new ClientFrame.Hello("h", 1, null, "alice", null));
      first.take(ServerFrame.Welcome.class);
      second.send(new ClientFrame.Hello("h", 1, null, "alice", null));
      second.take(ServerFrame.Welcome.class);
      first.send(new ClientFrame.Join("j", "general", null, null, null));
      first.take(ServerFrame.Joined.class);
      second.send(new ClientFrame.Join("j", "general", null, null, null));
      second.take(ServerFrame.Joined.class);

      first.send(new ClientFrame.Send("s1", "general", null, "once", "cid-1"));
      second.send(new ClientFrame.Send("s2", "general", null, "once, from the other node", "cid-1"));

      ServerFrame.SendOk a = (ServerFrame.SendOk) first.takeReply();
      ServerFrame.SendOk b = (ServerFrame.SendOk) second.takeReply();
      assertThat(b.seq()).isEqualTo(a.seq());
      assertThat(b.mid()).isEqualTo(a.mid());
    }
    ChatClient reader = connect(2, ChatClient.builder(client(2)).token("reader"));
    reader.join("general").join();
    assertThat(reader.history("general", PageRequest.latest(10)).join().messages()).hasSize(1);
  }

  @Test
  @DisplayName("senders on every node: every member sees one seq order, 1 to n, without a gap")
  void concurrentSendersOnEveryNode() {
    start(b -> b.limits(dev.natter.chat.Limits.defaults().toBuilder().rateLimit(null).build()));
    int perSender = 100;
    List<RecordingListener> listeners = new ArrayList<>();
    List<ChatClient> senders = new ArrayList<>();
    for (int node = 0; node < NODES; node++) {
      RecordingListener listener = new RecordingListener();
      ChatClient client = connect(node, "user" + node, listener);
      client.join("general").join();
      listeners.add(listener);
      senders.add(client);
    }
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int i = 0; i < perSender; i++) {
      for (ChatClient sender : senders) {
        sends.add(sender.send("general", "m" + i));
      }
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();

    int total = perSender * NODES;
    for (RecordingListener listener : listeners) {
      List<Long> seqs = listener.takeMessages(total, TIMEOUT).stream().map(ChatMessage::seq).toList();
      assertThat(seqs).as("seqs as delivered").isEqualTo(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
    }
  }

  // ---- helpers ----

  /** Starts three nodes configured by {@code configure}. */
  protected void start(Consumer<ChatServer.Builder> configure) {
    deployment = track(Deployment.start(newClusterNodes(NODES), this::newServerTransport,
        this::openSharedStore, configure));
  }

  /** A client transport to node {@code node}. */
  protected ClientTransport client(int node) {
    return newClientTransport(deployment.transport(node));
  }

  /** Node {@code index} of the running deployment. */
  protected ChatServer node(int index) {
    return deployment.node(index);
  }

  private ChatClient connect(int node, String name, ChatListener listener) {
    return connect(node, ChatClient.builder(client(node)).name(name).listener(listener));
  }

  private ChatClient connect(int node, ChatClient.Builder builder) {
    ChatClient client = track(builder.build());
    assertThat(client.connect().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join()).isNotNull();
    return client;
  }

  /** Closes {@code resource} after the test, before those tracked earlier. */
  protected <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  private static User user(String name) {
    return new User(name, name);
  }

  private static void assertRefused(CompletableFuture<?> future, Code code) {
    assertThatThrownBy(() -> future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
        .hasCauseInstanceOf(ChatException.class);
    ChatException refusal = (ChatException) future.handle((value, error) -> error).join();
    assertThat(refusal.code()).isEqualTo(code);
  }
}
