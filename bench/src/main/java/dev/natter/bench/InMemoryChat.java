package dev.natter.bench;

import dev.natter.chat.ChatServer;
import dev.natter.chat.Limits;
import dev.natter.chat.inmemory.InMemoryClientTransport;
import dev.natter.chat.inmemory.InMemoryServerTransport;
import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerFrame;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * What the engine benchmarks share: a server on the in-memory transport, and members that are raw
 * protocol connections which only count the messages they receive, so that the figures are the
 * engine's and the transport's, not a client library's.
 */
final class InMemoryChat {
  /** Messages a sender has sent that are not yet delivered to every member of its room, at most. */
  static final int WINDOW = 64;
  /** The text of every message: 100 characters, as in the other benchmarks of docs/benchmarks.md. */
  static final String TEXT = "x".repeat(100);

  /**
   * The first member whose connection ended mid-run other than by a normal close or the server's
   * shutdown (a slow consumer's 4009, say); the run's figure would then be void, so it fails instead.
   */
  private static final AtomicReference<String> ENDED = new AtomicReference<>();

  private InMemoryChat() {}

  /**
   * Starts a server on a new in-memory transport named {@code name}, with the in-memory history store
   * (the latest 1,000 messages of each room) and no rate limit, which would otherwise cap a sender at
   * 20 messages in 10 s.
   */
  static ChatServer start(String name) throws IOException {
    return ChatServer.builder(InMemoryServerTransport.forName(name))
        .historyStore(HistoryStore.inMemory())
        .limits(Limits.defaults().toBuilder().rateLimit(null).build())
        .build()
        .start();
  }

  /**
   * Connects a member named {@code name}, has it join {@code room}, and returns once it has joined.
   * Every message event it receives afterwards adds one to {@code delivered}.
   */
  static ClientConnection member(
      InMemoryClientTransport transport, String name, String room, LongAdder delivered) {
    CompletableFuture<Void> welcomed = new CompletableFuture<>();
    CompletableFuture<Void> joined = new CompletableFuture<>();
    ClientConnection connection = transport.connect(new ClientConnectionListener() {
      @Override
      public void frameReceived(ServerFrame frame) {
        if (frame instanceof ServerFrame.MessageEvent) {
          delivered.increment();
        } else if (frame instanceof ServerFrame.Welcome) {
          welcomed.complete(null);
        } else if (frame instanceof ServerFrame.Joined) {
          joined.complete(null);
        }
      }

      @Override
      public void closed(int code, String reason) {
        if (code != CloseCodes.NORMAL && code != CloseCodes.GOING_AWAY) {
          ENDED.compareAndSet(null, name + ": " + code + " " + reason);
        }
        welcomed.complete(null);
        joined.complete(null);
      }
    }).join();
    connection.send(new ClientFrame.Hello("h", 1, name, null, null));
    welcomed.join();
    connection.send(new ClientFrame.Join("j", room, null, null, 1));
    joined.join();
    return connection;
  }

  /** A message of {@link #TEXT} to {@code room}, without a request id or a cid. */
  static ClientFrame.Send message(String room) {
    return new ClientFrame.Send(null, room, null, TEXT, null);
  }

  /**
   * Waits until {@code delivered} reaches {@code enough}.
   *
   * @throws IllegalStateException when a member's connection ended mid-run
   */
  static void awaitDelivered(LongAdder delivered, long enough) {
    while (delivered.sum() < enough) {
      String ended = ENDED.get();
      if (ended != null) {
        throw new IllegalStateException("a member's connection ended: " + ended);
      }
      LockSupport.parkNanos(10_000); // yields the core to the engine's threads
    }
  }
}
