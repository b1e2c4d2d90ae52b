package dev.natter.chat.tck.reliability;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ConnectionState;
import dev.natter.chat.Disconnect;
import dev.natter.chat.JoinResult;
import dev.natter.chat.Presence;
import dev.natter.chat.Recovery;
import dev.natter.chat.SendReceipt;
import dev.natter.chat.Welcome;
import dev.natter.chat.spi.ClientTransport;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * A {@link ChatClient} whose every send, delivery, gap and join goes into a {@link DeliveryLog}. The
 * client reconnects as configured; the log sees what its app would see.
 *
 * <pre>{@code
 * DeliveryLog log = new DeliveryLog();
 * try (CheckedClient alice = CheckedClient.connect(log, "alice", transport, b -> b)) {
 *   alice.join("general");
 *   alice.send("general", 100).join();
 * }
 * assertThat(DeliveryChecker.check(log).valid()).isTrue();
 * }</pre>
 */
public final class CheckedClient implements AutoCloseable {
  private final DeliveryLog log;
  private final String name;
  private final ChatClient client;

  private CheckedClient(DeliveryLog log, String name, ChatClient client) {
    this.log = log;
    this.name = name;
    this.client = client;
  }

  /**
   * Builds a client named {@code name} on {@code transport} (with {@code options} applied to its
   * builder, after the recording listener is set) and connects it; fails if it cannot connect.
   */
  public static CheckedClient connect(DeliveryLog log, String name, ClientTransport transport,
      UnaryOperator<ChatClient.Builder> options) {
    return connect(log, name, transport, options, new ChatListener() {});
  }

  /**
   * As {@link #connect(DeliveryLog, String, ClientTransport, UnaryOperator)}, passing every event on
   * to {@code also} once recorded.
   */
  public static CheckedClient connect(DeliveryLog log, String name, ClientTransport transport,
      UnaryOperator<ChatClient.Builder> options, ChatListener also) {
    ChatClient client = options.apply(ChatClient.builder(transport).name(name).listener(new ChatListener() {
      @Override
      public void onConnected(Welcome welcome) {
        also.onConnected(welcome);
      }

      @Override
      public void onMessage(ChatMessage message) {
        log.delivered(name, message);
        also.onMessage(message);
      }

      @Override
      public void onPresence(Presence presence) {
        also.onPresence(presence);
      }

      @Override
      public void onRecovery(Recovery recovery) {
        log.recovery(name, recovery);
        also.onRecovery(recovery);
      }

      @Override
      public void onDisconnected(Disconnect disconnect) {
        also.onDisconnected(disconnect);
      }

      @Override
      public void onConnectionState(ConnectionState state) {
        also.onConnectionState(state);
      }
    })).build();
    try {
      client.connect().join();
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    return new CheckedClient(log, name, client);
  }

  /** The client's name. */
  public String name() {
    return name;
  }

  /** The client itself, for what this class does not wrap. */
  public ChatClient client() {
    return client;
  }

  /** Joins {@code room} and waits for the answer: from then on the client is expected to see it all. */
  public JoinResult join(String room) {
    JoinResult result = client.join(room).join();
    log.joined(name, result);
    return result;
  }

  /** Leaves {@code room} and waits for the answer: from then on the client is not expected to see it. */
  public void leave(String room) {
    log.left(name, room);
    client.leave(room).join();
  }

  /**
   * Sends a new message of {@code padding} characters more than its unique tag to {@code room}; the
   * log records its outcome when the returned future completes, whichever way.
   */
  public CompletableFuture<SendReceipt> send(String room, int padding) {
    DeliveryLog.Send send = log.newSend(name, room, padding);
    CompletableFuture<SendReceipt> future;
    try {
      future = client.send(room, send.text());
    } catch (RuntimeException e) {
      send.completed(null, e);
      throw e;
    }
    return future.whenComplete(send::completed);
  }

  /** Closes the client; the log stops expecting it to see messages. */
  @Override
  public void close() {
    log.stopped(name);
    client.close();
  }
}
