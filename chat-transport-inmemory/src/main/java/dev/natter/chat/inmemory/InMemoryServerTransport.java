package dev.natter.chat.inmemory;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.Handshake;
import dev.natter.chat.inmemory.internal.FaultPlan;
import dev.natter.chat.inmemory.internal.InMemoryConnection;
import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerConnectionListener;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.ServerTransportListener;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server side of the in-memory transport, found by name within the JVM.
 *
 * <p>Use it to unit-test chat logic without a socket: the engine, the limits and the close codes are
 * the ones a WebSocket deployment has.
 *
 * <pre>{@code
 * String name = InMemoryServerTransport.generateName();
 * try (ChatServer server = ChatServer.builder(InMemoryServerTransport.forName(name)).build().start();
 *      ChatClient alice = ChatClient.builder(InMemoryClientTransport.forName(name)).name("alice").build()) {
 *   alice.connect().join();
 *   alice.join("general").join();
 * }
 * }</pre>
 *
 * <p>The {@link dev.natter.chat.inmemory.testing.ChatTestKit} does this wiring in one line and checks
 * nothing was left running. Thread-safe.
 */
public final class InMemoryServerTransport implements ServerTransport {
  private static final ConcurrentMap<String, InMemoryServerTransport> RUNNING = new ConcurrentHashMap<>();

  /** How long {@link #close()} lets closing connections finish, as the WebSocket transport does. */
  static final long CLOSE_GRACE_MILLIS = 2_000;

  private final String name;
  /** Open as the server sees them: removed once the server's listener heard the end. */
  private final Set<InMemoryConnection> connections = ConcurrentHashMap.newKeySet();
  /** Removed only once the client heard the end too: a server's close may still be on its way. */
  private final Set<InMemoryConnection> unfinished = ConcurrentHashMap.newKeySet();
  private final AtomicInteger nextPeer = new AtomicInteger();
  private volatile ServerTransportListener listener;
  private volatile boolean accepting;

  private InMemoryServerTransport(String name) {
    this.name = name;
  }

  /** A transport that will serve under {@code name}; clients connect with the same name. */
  public static InMemoryServerTransport forName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    return new InMemoryServerTransport(name);
  }

  /** A name no other server in this JVM uses, for a test's own server. */
  public static String generateName() {
    return "natter-" + UUID.randomUUID();
  }

  /** The names of the in-memory servers accepting connections now, sorted; for leak checks. */
  public static Set<String> runningNames() {
    return new TreeSet<>(RUNNING.keySet());
  }

  /** The name clients connect to. */
  public String name() {
    return name;
  }

  /** How many connections are open now. */
  public int openConnections() {
    return connections.size();
  }

  /**
   * Waits until no connection is open, or the timeout passed.
   *
   * @return whether none is open
   */
  public boolean awaitNoConnections(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (connections) {
      while (!connections.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        connections.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  @Override
  public void start(ServerTransportListener listener) throws IOException {
    Objects.requireNonNull(listener, "listener");
    synchronized (this) {
      if (this.listener != null) {
        throw new IllegalStateException("already started");
      }
      if (RUNNING.putIfAbsent(name, this) != null) {
        throw new IOException("an in-memory server named " + name + " is already running");
      }
      this.listener = listener;
      this.accepting = true;
    }
  }

  @Override
  public PreparedFrame prepare(ServerFrame frame) {
    return new Prepared(frame, estimateSize(frame));
  }

  @Override
  public void stopAccepting() {
    accepting = false;
    RUNNING.remove(name, this);
  }

  /**
   * Stops accepting, gives each connection already closing up to {@value #CLOSE_GRACE_MILLIS} ms (all
   * together) for its close to reach the client behind the frames before it, as a socket's close frame
   * would, then cuts every connection still open: their clients see 1006.
   */
  @Override
  public void close() {
    stopAccepting();
    List<InMemoryConnection> open = List.copyOf(unfinished);
    awaitClosing(open);
    for (InMemoryConnection connection : open) {
      connection.abort();
    }
  }

  // Without this a server's 1001, still behind its last frames, would be cut and reach the client as 1006.
  private static void awaitClosing(List<InMemoryConnection> open) {
    CompletableFuture<?>[] closing = open.stream()
        .filter(InMemoryConnection::isClosing)
        .map(InMemoryConnection::ended)
        .toArray(CompletableFuture<?>[]::new);
    try {
      CompletableFuture.allOf(closing).get(CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // a reader that stopped reading holds its close: it is cut below
    }
  }

  /** Opens a connection from a client of this JVM, with the faults of its transport. */
  ClientConnection accept(ClientConnectionListener clientListener, FaultPlan faults) throws IOException {
    if (!accepting) {
      throw new IOException("the in-memory server " + name + " is not accepting connections");
    }
    Handshake handshake = Handshake.of("inmemory:" + name + "#" + nextPeer.incrementAndGet());
    InMemoryConnection connection =
        new InMemoryConnection(Shared.POOL, Shared.SCHEDULER, faults, clientListener, handshake, this::ended);
    connections.add(connection);
    unfinished.add(connection);
    connection.ended().thenRun(() -> unfinished.remove(connection));
    ServerConnectionListener serverListener = listener.connectionOpened(connection.serverSide());
    connection.attachServer(serverListener);
    return connection.clientSide();
  }

  /** The server transport running under {@code name}, or {@code null}. */
  static InMemoryServerTransport running(String name) {
    return RUNNING.get(name);
  }

  private void ended(InMemoryConnection connection) {
    synchronized (connections) {
      connections.remove(connection);
      connections.notifyAll();
    }
  }

  /**
   * A rough wire size, so the engine's byte bound on outbound queues means about what it means on a
   * socket: JSON overhead plus the text, at most three bytes a UTF-16 unit.
   */
  private static int estimateSize(ServerFrame frame) {
    if (frame instanceof ServerFrame.MessageEvent event) {
      return size(event.message());
    }
    List<ChatMessage> messages = List.of();
    if (frame instanceof ServerFrame.Joined joined) {
      messages = joined.messages();
    } else if (frame instanceof ServerFrame.HistoryReply history) {
      messages = history.messages();
    }
    int total = 128;
    for (ChatMessage message : messages) {
      total += size(message);
    }
    return total;
  }

  private static int size(ChatMessage message) {
    return 200 + 3 * message.text().length();
  }

  @Override
  public String toString() {
    return "InMemoryServerTransport[" + name + "]";
  }

  private record Prepared(ServerFrame frame, int sizeBytes) implements PreparedFrame {}
}
