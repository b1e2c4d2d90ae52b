package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatServer;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.Limits;
import dev.natter.chat.RoomAuthorizer;
import dev.natter.chat.User;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;

/**
 * What the engine rule tests share: a server on a {@link FakeServerTransport}, and small steps that send
 * one frame and check its answer.
 */
abstract class EngineTestSupport {
  static final User ALICE = new User("alice", "alice");
  static final User BOB = new User("bob", "bob");
  static final User CAROL = new User("carol", "carol");

  final FakeServerTransport transport = new FakeServerTransport();
  ChatServer server;
  private final AtomicInteger ids = new AtomicInteger();

  @AfterEach
  void closeServer() {
    if (server != null) {
      server.close();
    }
  }

  // ---- the server ----

  ChatServer start() {
    return start(Limits.defaults());
  }

  ChatServer start(Limits limits) {
    return start(limits, limits.presenceGrace());
  }

  ChatServer start(Limits limits, Duration presenceGrace) {
    try {
      ChatServer.Builder builder = ChatServer.builder(transport).historyStore(store()).limits(limits)
          .presenceGrace(presenceGrace).roomAuthorizer(roomAuthorizer());
      configure(builder);
      server = builder.build().start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decides rooms' rights; allows everything unless a test says otherwise. */
  RoomAuthorizer roomAuthorizer() {
    return RoomAuthorizer.allowAll();
  }

  /** Further settings of a test's server; none by default. */
  void configure(ChatServer.Builder builder) {}

  /** The store the server is started with; in memory unless a test says otherwise. */
  HistoryStore store() {
    return HistoryStore.inMemory();
  }

  static Limits.Builder limits() {
    return Limits.defaults().toBuilder();
  }

  // ---- connections and sessions ----

  /** A new id for a request, unique in the test. */
  String id(String what) {
    return what + "-" + ids.incrementAndGet();
  }

  FakeConnection connect(String label) {
    return transport.open(label);
  }

  /** Connects and says hello as {@code name}; the welcome must come. */
  FakeConnection login(String name) {
    FakeConnection connection = connect(name);
    hello(connection, name);
    return connection;
  }

  ServerFrame.Welcome hello(FakeConnection connection, String name) {
    return hello(connection, name, null);
  }

  ServerFrame.Welcome hello(FakeConnection connection, String name, String resume) {
    String id = id("hello");
    connection.receive(new ClientFrame.Hello(id, 1, name, null, resume));
    ServerFrame.Welcome welcome = connection.next(ServerFrame.Welcome.class);
    assertThat(welcome.id()).isEqualTo(id);
    return welcome;
  }

  /** Sends {@code frame} and checks that the next frame is the error {@code code} carrying its id. */
  ServerFrame.ErrorReply expectError(FakeConnection connection, ClientFrame frame, Code code) {
    connection.receive(frame);
    return assertError(connection.next(), frame.id(), code);
  }

  static ServerFrame.ErrorReply assertError(ServerFrame frame, String id, Code code) {
    assertThat(frame).as("the answer to request %s", id).isInstanceOf(ServerFrame.ErrorReply.class);
    ServerFrame.ErrorReply error = (ServerFrame.ErrorReply) frame;
    assertThat(error.status().code()).as("the error code of %s (%s)", id, error.status()).isEqualTo(code);
    assertThat(error.id()).as("the id echoed in the error").isEqualTo(id);
    return error;
  }

  /**
   * The ordering barrier for "nothing else was sent": a ping whose pong must be the very next frame. The
   * connection handles frames in order, so anything the earlier requests caused is already queued.
   */
  void assertNothingElseSent(FakeConnection connection) {
    String id = id("barrier");
    connection.receive(new ClientFrame.Ping(id));
    assertThat(connection.next())
        .as("%s: the next frame after the earlier ones (expected only the barrier's pong)", connection)
        .isEqualTo(new ServerFrame.Pong(id));
  }

  /** Alice and Bob, logged in and members of one room. */
  record TwoMembers(FakeConnection alice, FakeConnection bob) {}

  /** Logs Alice and Bob in and joins both to {@code room}; Alice's view of Bob's join is consumed. */
  TwoMembers aliceAndBobIn(String room) {
    FakeConnection alice = login("alice");
    FakeConnection bob = login("bob");
    join(alice, room);
    join(bob, room);
    alice.next(ServerFrame.PresenceEvent.class);
    return new TwoMembers(alice, bob);
  }

  // ---- requests ----

  ServerFrame.Joined join(FakeConnection connection, String room) {
    String id = id("join");
    connection.receive(new ClientFrame.Join(id, room, null, null, null));
    ServerFrame.Joined joined = connection.next(ServerFrame.Joined.class);
    assertThat(joined.id()).isEqualTo(id);
    assertThat(joined.room()).isEqualTo(room);
    return joined;
  }

  /** A sent message: the sender's ok and the sender's own copy, which may come in either order. */
  record Sent(ServerFrame.SendOk ok, ChatMessage message) {}

  Sent send(FakeConnection connection, String room, String text) {
    return send(connection, new ClientFrame.Send(id("send"), room, null, text, null));
  }

  Sent sendTo(FakeConnection connection, String to, String text) {
    return send(connection, new ClientFrame.Send(id("send"), null, to, text, null));
  }

  Sent send(FakeConnection connection, ClientFrame.Send send) {
    connection.receive(send);
    ServerFrame.SendOk ok = null;
    ChatMessage message = null;
    for (int i = 0; i < 2; i++) {
      ServerFrame frame = connection.next();
      if (frame instanceof ServerFrame.SendOk sendOk && ok == null) {
        ok = sendOk;
      } else if (frame instanceof ServerFrame.MessageEvent event && message == null) {
        message = event.message();
      } else {
        throw new AssertionError(connection + ": expected the ok and the message of " + send + ", got " + frame);
      }
    }
    assertThat(ok.id()).as("the ok's id").isEqualTo(send.id());
    assertThat(message.mid()).as("the sender's copy is the message the ok is for").isEqualTo(ok.mid());
    return new Sent(ok, message);
  }

  /** The next frame, which must be a message; returns it. */
  static ChatMessage nextMessage(FakeConnection connection) {
    return connection.next(ServerFrame.MessageEvent.class).message();
  }

  ServerFrame.HistoryReply history(FakeConnection connection, String room, Long before, Long after, Integer limit) {
    String id = id("history");
    connection.receive(new ClientFrame.History(id, room, before, after, limit));
    ServerFrame.HistoryReply reply = connection.next(ServerFrame.HistoryReply.class);
    assertThat(reply.id()).isEqualTo(id);
    return reply;
  }

  /** The texts a member reads in the latest page of a room's history. */
  List<String> storedTexts(FakeConnection member, String room) {
    return history(member, room, null, null, null).messages().stream().map(ChatMessage::text).toList();
  }

  List<User> members(FakeConnection connection, String room) {
    String id = id("members");
    connection.receive(new ClientFrame.ListMembers(id, room));
    ServerFrame.MembersReply reply = connection.next(ServerFrame.MembersReply.class);
    assertThat(reply.id()).isEqualTo(id);
    return reply.members();
  }
}
