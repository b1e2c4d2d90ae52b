package dev.natter.chat.inmemory;

import dev.natter.chat.inmemory.internal.FaultPlan;
import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.ClientTransport;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of the in-memory transport: connects to the {@link InMemoryServerTransport} running
 * under a name in this JVM. Each {@link #connect} opens a new connection, to whichever server runs under
 * the name at that moment (so a client reconnects to a restarted server). Its {@link #faults()} inject
 * network faults into its connections. Thread-safe.
 */
public final class InMemoryClientTransport implements ClientTransport {
  private final String name;
  private final FaultPlan faultPlan = new FaultPlan();
  private final Faults faults = new Faults(faultPlan);

  private InMemoryClientTransport(String name) {
    this.name = name;
  }

  /** Connects to the server running under {@code name}. */
  public static InMemoryClientTransport forName(String name) {
    return new InMemoryClientTransport(Objects.requireNonNull(name, "name"));
  }

  /**
   * Opens a connection. Fails with an {@link IOException} when no server runs under the name or it
   * stopped accepting.
   */
  @Override
  public CompletableFuture<ClientConnection> connect(ClientConnectionListener listener) {
    Objects.requireNonNull(listener, "listener");
    InMemoryServerTransport server = InMemoryServerTransport.running(name);
    if (server == null) {
      return CompletableFuture.failedFuture(new IOException("no in-memory server named " + name));
    }
    try {
      return CompletableFuture.completedFuture(server.accept(listener, faultPlan));
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The faults of this transport's connections: drop them, stall their reading, delay their frames. The
   * same handle for the transport's life; see {@link Faults}.
   */
  public Faults faults() {
    return faults;
  }

  @Override
  public String toString() {
    return "InMemoryClientTransport[" + name + "]";
  }
}
