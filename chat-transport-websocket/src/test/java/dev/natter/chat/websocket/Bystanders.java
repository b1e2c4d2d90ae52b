package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natter.chat.ChatServer;
import dev.natter.chat.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A WebSocket server with two well-behaved clients, alice and bob, both in room {@code general}, who must
 * keep chatting whatever other connections do to the server. Other clients opened through it are closed
 * with it.
 */
final class Bystanders implements AutoCloseable {
  static final JsonNode ALICE = JdkSocket.parse("{\"id\":\"alice\",\"name\":\"alice\"}");

  final WebSocketServerTransport transport;
  final ChatServer server;
  final JdkSocket alice;
  final JdkSocket bob;
  private final List<AutoCloseable> others = new ArrayList<>();
  private long seq;
  private int round;

  private Bystanders(WebSocketServerTransport transport, Limits limits) throws IOException {
    this.transport = transport;
    this.server = ChatServer.builder(transport).limits(limits).build().start();
    this.alice = JdkSocket.open(transport.uri());
    this.bob = JdkSocket.open(transport.uri());
    alice.hello("alice");
    bob.hello("bob");
    alice.send("{\"type\":\"join\",\"id\":\"ja\",\"room\":\"general\"}");
    alice.next("joined");
    bob.send("{\"type\":\"join\",\"id\":\"jb\",\"room\":\"general\"}");
    bob.next("joined");
    assertThat(alice.next("presence").get("event").asText()).isEqualTo("join");
  }

  /** A server on a free port of 127.0.0.1 with these limits, and alice and bob chatting in it. */
  static Bystanders start(Limits limits) {
    return start(WebSocketServerTransport.forPort(0).build(), limits);
  }

  /** A server on {@code transport} with these limits, and alice and bob chatting in it. */
  static Bystanders start(WebSocketServerTransport transport, Limits limits) {
    try {
      return new Bystanders(transport, limits);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI uri() {
    return transport.uri();
  }

  /** Another client, connected but not yet said hello; closed with the bystanders. */
  JdkSocket open() {
    JdkSocket socket = JdkSocket.open(uri());
    others.add(socket);
    return socket;
  }

  /** Another client, after its {@code welcome}; in no room. */
  JdkSocket connect(String name) {
    JdkSocket socket = open();
    socket.hello(name);
    return socket;
  }

  /** A raw socket, closed with the bystanders. */
  RawSocket openRaw() {
    RawSocket raw = RawSocket.open(uri());
    others.add(raw);
    return raw;
  }

  /**
   * Alice sends a message and bob receives it as the very next frame, with the next seq of the room: so
   * nothing else reached bob (or was stored in the room) since the last check.
   */
  void assertStillChatting() {
    String text = "still chatting " + ++round;
    alice.send("{\"type\":\"send\",\"id\":\"s" + round + "\",\"room\":\"general\",\"text\":\"" + text + "\"}");
    JsonNode atBob = bob.next("message");
    assertThat(atBob.get("text").asText()).isEqualTo(text);
    assertThat(atBob.get("from")).isEqualTo(ALICE);
    assertThat(atBob.get("seq").asLong()).as("seq after %s earlier messages", seq).isEqualTo(nextSeq());
    JsonNode ok = okAndOwnCopy(alice);
    assertThat(ok.get("id").asText()).isEqualTo("s" + round);
    assertThat(ok.get("seq").asLong()).isEqualTo(seq);
  }

  /**
   * Waits until the server counts {@code userId} offline: it has handled the end of that user's last
   * connection (whatever its close code; a grace period may still keep the user in their rooms).
   */
  void awaitOffline(String userId) {
    long deadline = System.nanoTime() + JdkSocket.TIMEOUT.toNanos();
    while (server.onlineUsers().stream().anyMatch(user -> user.id().equals(userId))) {
      assertThat(System.nanoTime() - deadline).as("%s still online after %s", userId, JdkSocket.TIMEOUT)
          .isNegative();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // paces the polling
    }
  }

  /** The seq the room's next stored message must get; counts it as stored. */
  long nextSeq() {
    return ++seq;
  }

  /** The next two frames of a sender: its {@code ok} and its own copy of the message, in either order. */
  static JsonNode okAndOwnCopy(JdkSocket sender) {
    JsonNode first = sender.next();
    JsonNode second = sender.next();
    JsonNode ok = first.path("type").asText().equals("ok") ? first : second;
    JsonNode own = ok == first ? second : first;
    assertThat(ok.path("type").asText()).as("one of %s, %s", first, second).isEqualTo("ok");
    assertThat(own.path("type").asText()).as("one of %s, %s", first, second).isEqualTo("message");
    assertThat(own.has("id")).as("the own copy is an event, without id").isFalse();
    assertThat(own.get("seq")).isEqualTo(ok.get("seq"));
    return ok;
  }

  @Override
  public void close() {
    for (AutoCloseable other : others) {
      try {
        other.close();
      } catch (Exception e) {
        // Best effort: the server is going down anyway.
      }
    }
    alice.close();
    bob.close();
    server.close();
  }
}
