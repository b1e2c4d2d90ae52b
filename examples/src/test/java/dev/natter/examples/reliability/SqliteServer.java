package dev.natter.examples.reliability;

import dev.natter.chat.ChatServer;
import dev.natter.chat.ChatServerListener;
import dev.natter.chat.Limits;
import dev.natter.chat.store.jdbc.JdbcHistoryStore;
import dev.natter.chat.websocket.WebSocketServerTransport;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A chat server in the test's JVM, as an embedding app runs one: WebSocket on 127.0.0.1 on a free port,
 * history in a SQLite file. {@link #close()} shuts it down gracefully and closes the store.
 */
final class SqliteServer implements AutoCloseable {
  private final JdbcHistoryStore store;
  private final WebSocketServerTransport transport;
  private final ChatServer server;

  private SqliteServer(Path database, Limits limits, ChatServerListener listener) throws IOException {
    store = JdbcHistoryStore.sqlite(database);
    transport = WebSocketServerTransport.forPort(0).build();
    server = ChatServer.builder(transport).historyStore(store).limits(limits).listener(listener).build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Starts a server on {@code database} with {@code limits}, reporting to {@code listener}. */
  static SqliteServer start(Path database, Limits limits, ChatServerListener listener) throws IOException {
    return new SqliteServer(database, limits, listener);
  }

  /** The default limits with no send rate limit: the scenarios send faster than a person. */
  static Limits.Builder unlimitedSends() {
    return Limits.defaults().toBuilder().rateLimit(null);
  }

  int port() {
    return transport.port();
  }

  ChatServer server() {
    return server;
  }

  /** Shuts the server down gracefully and closes the store, so the file can be read. Idempotent. */
  void stop() {
    close();
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      store.close();
    }
  }
}
