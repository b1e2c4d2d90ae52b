package dev.natter.chat.tck;

import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.ClientTransport;
import java.util.concurrent.CompletableFuture;

/**
 * Wraps a client transport so a test can end the connection the way a closing browser tab does (1001,
 * not 1000), which leaves the session in its grace period instead of ending it.
 */
final class DroppableClientTransport implements ClientTransport {
  static final int GOING_AWAY = 1001;

  private final ClientTransport delegate;
  private volatile ClientConnection connection;
  private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

  DroppableClientTransport(ClientTransport delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableFuture<ClientConnection> connect(ClientConnectionListener listener) {
    return gate.thenCompose(open -> delegate.connect(listener)).thenApply(opened -> {
      connection = opened;
      return opened;
    });
  }

  /** Makes new connections wait until {@link #releaseConnects()}. */
  void holdConnects() {
    gate = new CompletableFuture<>();
  }

  /** Lets the connections held by {@link #holdConnects()} go ahead. */
  void releaseConnects() {
    gate.complete(null);
  }

  /** Ends the connection without the normal close that would end the session. */
  void drop() {
    connection.close(GOING_AWAY, "going away");
  }
}
