package dev.natter.chat.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.Limits;
import dev.natter.chat.User;
import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.ServerFrame;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;

/**
 * A client transport played by the test: every connection's frames are read, and answered, by hand,
 * on the test's thread. Connections succeed unless the test refused the next ones.
 */
final class ScriptedTransport implements ClientTransport {
  static final User ALICE = new User("alice", "alice");
  static final User BOB = new User("bob", "bob");

  private final List<Conn> connections = new ArrayList<>();
  private int refusals;

  @Override
  public CompletableFuture<ClientConnection> connect(ClientConnectionListener listener) {
    if (refusals > 0) {
      refusals--;
      connections.add(null);
      return CompletableFuture.failedFuture(new IOException("connection refused"));
    }
    Conn conn = new Conn(listener);
    connections.add(conn);
    return CompletableFuture.completedFuture(conn);
  }

  /** Makes the next {@code count} connection attempts fail. */
  void refuseNext(int count) {
    refusals += count;
  }

  /** How many connections were attempted. */
  int attempts() {
    return connections.size();
  }

  /** The latest connection, which must have been opened. */
  Conn last() {
    Conn conn = connections.get(connections.size() - 1);
    assertThat(conn).as("the latest attempt connected").isNotNull();
    return conn;
  }

  static ChatMessage message(String room, long seq, String text) {
    return message(room, seq, "mid-" + room + "-" + seq, text);
  }

  static ChatMessage message(String room, long seq, String mid, String text) {
    User to = room.startsWith("dm:") ? ALICE : null;
    return new ChatMessage(room, seq, mid, BOB, to, text, Instant.ofEpochMilli(1_000 + seq), null);
  }

  /** One connection, as the server side sees it. */
  static final class Conn implements ClientConnection {
    final ClientConnectionListener listener;
    final Queue<ClientFrame> received = new ArrayDeque<>();
    Integer closedWith;

    Conn(ClientConnectionListener listener) {
      this.listener = listener;
    }

    @Override
    public void send(ClientFrame frame) {
      if (closedWith == null) {
        received.add(frame);
      }
    }

    @Override
    public void close(int code, String reason) {
      if (closedWith == null) {
        closedWith = code;
      }
    }

    /** The next frame the client sent, which must be of {@code type}. */
    <T extends ClientFrame> T take(Class<T> type) {
      ClientFrame frame = received.poll();
      assertThat(frame).as("a frame from the client").isInstanceOf(type);
      return type.cast(frame);
    }

    /** Answers the client's hello with a welcome. */
    ClientFrame.Hello welcome(String session, boolean resumed) {
      return welcome(session, resumed, Limits.defaults(), List.of());
    }

    ClientFrame.Hello welcome(String session, boolean resumed, Limits limits, List<DirectConversation> directs) {
      ClientFrame.Hello hello = take(ClientFrame.Hello.class);
      push(new ServerFrame.Welcome(hello.id(), 1, ALICE, session, resumed, directs, null, limits));
      return hello;
    }

    /** Sends the client a frame. */
    void push(ServerFrame frame) {
      listener.frameReceived(frame);
    }

    /** Ends the connection as the server or the network would. */
    void drop(int code) {
      closedWith = code;
      listener.closed(code, "dropped by the test");
    }
  }
}
