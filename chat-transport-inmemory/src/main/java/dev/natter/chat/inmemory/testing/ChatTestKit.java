package dev.natter.chat.inmemory.testing;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatServer;
import dev.natter.chat.inmemory.Faults;
import dev.natter.chat.inmemory.InMemoryClientTransport;
import dev.natter.chat.inmemory.InMemoryServerTransport;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.testing.RecordingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts in-memory chat servers and clients for a test, and after it closes them and fails the test
 * when something it did not make was left running.
 *
 * <pre>{@code
 * class GreeterBotTest {
 *   @RegisterExtension final ChatTestKit chat = ChatTestKit.create();
 *
 *   @Test
 *   void greetsNewcomers() {
 *     chat.startServer();
 *     RecordingListener bob = new RecordingListener();
 *     ChatClient alice = chat.connect("alice");
 *     chat.connect("bob", bob).join("general").join();
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Without JUnit 5, use it in try-with-resources: {@link #close()} does the same checks. The leak
 * checks: every connection to the kit's servers must come from a client the kit made or was given to
 * track ({@link #track}), and no in-memory server started during the test may still run.
 *
 * <h2>Faults</h2>
 *
 * <p>To test what your code does when the network misbehaves, {@link #faults(ChatClient)} injects
 * faults into a client's connection, and {@link #restartServer()} restarts the server. Every fault
 * behaves as on a network, with the close codes a WebSocket deployment has (see {@link Faults}):
 *
 * <pre>{@code
 * @Test
 * void aSlowReaderIsClosedAndNobodyElseWaits() {
 *   chat.startServer(b -> b.limits(Limits.defaults().toBuilder().outboundQueueFrames(20).build()));
 *   RecordingListener bob = new RecordingListener();
 *   ChatClient bobClient = chat.connect("bob", bob);
 *   bobClient.join("general").join();
 *   chat.faults(bobClient).stallReading();      // bob reads nothing: the server queues for him
 *   ... send to "general" until the server closes bob (4009); the others keep receiving ...
 *   chat.faults(bobClient).resumeReading();     // bob gets what was held, in order, then the close
 *   assertEquals(4009, bob.takeDisconnect(Duration.ofSeconds(5)).code());
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@code faults(client).dropAll()} cuts the connection: both sides see 1006, the server keeps the
 *       user in their rooms for the presence grace period, then the others see them leave
 *       ({@code disconnect}); within the grace a client may resume the session.
 *   <li>{@code faults(client).stallReading()} / {@code resumeReading()} hold and release the frames to
 *       the client, to exercise the server's outbound limits (4009) and a client catching up.
 *   <li>{@code faults(client).delay(...)}, {@code delayToClient(...)}, {@code delayToServer(...)} delay
 *       frames, fixed or per frame, keeping their order; {@code clearDelays()} ends that.
 *   <li>{@link #restartServer()} closes the server (clients see 1001) and starts a new one under the same
 *       name, configuration and history store: history, {@code seq} and epochs survive, so a client that
 *       connects again and rejoins with its cursor recovers exactly what it missed.
 * </ul>
 *
 * <p>For a client built by hand, take a transport from {@link #clientTransport()} and use its own
 * {@link InMemoryClientTransport#faults()}. A client reconnects by itself after a drop, a 4009 or a
 * restart (see {@link ChatClient}), through the same transport and so under the same faults. To see
 * what the others see while a user stays away, build that client by hand with reconnecting off:
 *
 * <pre>{@code
 * InMemoryClientTransport bobTransport = chat.clientTransport();
 * ChatClient bob = chat.connect(ChatClient.builder(bobTransport).name("bob").listener(bobEvents)
 *     .reconnect(ReconnectPolicy.disabled()));
 * bob.join("general").join();
 * bobTransport.faults().dropAll();              // alice sees bob leave once the grace period is over
 * }</pre>
 *
 * <p>Not thread-safe: use it from the test's thread. The {@link Faults} it hands out are thread-safe.
 */
public final class ChatTestKit implements AutoCloseable, AfterEachCallback {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** In-memory closes take microseconds; a connection still open after this was left open. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private final Set<String> runningBefore = InMemoryServerTransport.runningNames();
  private final List<ChatServer> servers = new ArrayList<>();
  private final List<InMemoryServerTransport> transports = new ArrayList<>();
  private final List<ChatClient> clients = new ArrayList<>();
  private final List<InMemoryClientTransport> clientTransports = new ArrayList<>();
  private final Map<ChatClient, InMemoryClientTransport> transportOf = new IdentityHashMap<>();
  private Started latest;
  private boolean closed;

  private ChatTestKit() {}

  /** A kit with nothing started. */
  public static ChatTestKit create() {
    return new ChatTestKit();
  }

  /** Starts a server with the defaults (in-memory history, anonymous names) under a fresh name. */
  public ChatServer startServer() {
    return startServer(builder -> {});
  }

  /**
   * Starts a server configured by {@code configure} under a fresh name; later {@link #connect} calls go
   * to it. The kit closes it after the test.
   */
  public ChatServer startServer(Consumer<ChatServer.Builder> configure) {
    return startServer(InMemoryServerTransport.generateName(), configure);
  }

  /**
   * Starts a server under a given name, for instance to start a new server where a closed one ran. Its
   * history store is a new {@link HistoryStore#inMemory()} unless {@code configure} sets one.
   */
  public ChatServer startServer(String name, Consumer<ChatServer.Builder> configure) {
    Objects.requireNonNull(configure, "configure");
    return start(name, configure, HistoryStore.inMemory());
  }

  /**
   * Restarts the latest server on the same history store, as a process restarting on durable storage:
   * closes it gracefully (its clients see 1001; sessions, presence and mutes end with it) and starts a
   * new server under the same name, configured again by the same {@code configure} function, on the same
   * store. History, {@code seq} and each room's epoch survive, so a client that connects again and rejoins
   * with its {@link dev.natter.chat.Cursor} recovers exactly what it missed. Clients connect to the new
   * server as before ({@link #connect}, or a transport taken earlier from {@link #clientTransport()}).
   *
   * <p>The same store means: the kit's in-memory store when {@code configure} sets none (its
   * {@code close()} keeps the data, so the new server reuses it); a store instance {@code configure}
   * captured from outside, reused likewise, so its {@code close()} must leave it usable; or, when
   * {@code configure} creates its store, a new one, which keeps the history only when it opens the same
   * durable database (a JDBC store on the same file, say).
   *
   * @return the new server, started
   * @throws IllegalStateException when no server was started
   */
  public ChatServer restartServer() {
    checkOpen();
    if (latest == null) {
      throw new IllegalStateException("start a server first");
    }
    Started restarting = latest;
    restarting.server().close();
    return start(restarting.name(), restarting.configure(), restarting.store());
  }

  /** The name of the latest server started, to build clients by hand. */
  public String serverName() {
    if (latest == null) {
      throw new IllegalStateException("start a server first");
    }
    return latest.name();
  }

  /**
   * A new transport to the latest server started, with its own {@link InMemoryClientTransport#faults()}.
   * It keeps connecting by name, so to the restarted server after {@link #restartServer()}.
   */
  public InMemoryClientTransport clientTransport() {
    InMemoryClientTransport transport = InMemoryClientTransport.forName(serverName());
    clientTransports.add(transport);
    return transport;
  }

  /**
   * The faults of a client's connection, for a client the kit built ({@link #connect(String)} and
   * {@link #connect(String, ChatListener)}): drop it, stall its reading, delay its frames. See
   * {@link Faults}.
   *
   * @throws IllegalArgumentException for a client the kit did not build; build it on a transport from
   *     {@link #clientTransport()} and use that transport's {@link InMemoryClientTransport#faults()}
   */
  public Faults faults(ChatClient client) {
    InMemoryClientTransport transport = transportOf.get(Objects.requireNonNull(client, "client"));
    if (transport == null) {
      throw new IllegalArgumentException("the kit did not build " + client
          + "; use the faults() of the InMemoryClientTransport it was built on");
    }
    return transport.faults();
  }

  /** A client named {@code name}, connected (its session started), recording nothing. */
  public ChatClient connect(String name) {
    return connect(name, new ChatListener() {});
  }

  /** A client named {@code name} with a listener (a {@link RecordingListener}, say), connected. */
  public ChatClient connect(String name, ChatListener listener) {
    InMemoryClientTransport transport = clientTransport();
    ChatClient client = track(ChatClient.builder(transport).name(name).listener(listener).build());
    transportOf.put(client, transport);
    return connect(client);
  }

  /** Builds, tracks and connects a client, waiting for its {@code welcome}. */
  public ChatClient connect(ChatClient.Builder builder) {
    return connect(track(builder.build()));
  }

  private ChatClient connect(ChatClient client) {
    try {
      client.connect().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    return client;
  }

  /** Makes the kit close {@code client} after the test, and count its connection as expected. */
  public ChatClient track(ChatClient client) {
    checkOpen();
    clients.add(client);
    return client;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  /**
   * Closes the clients and servers and checks nothing else was left running. Stalls and delays of the
   * kit's transports are lifted first; the close of a client the kit built that is still delayed after
   * a moment is cut.
   *
   * @throws AssertionError when a connection from an untracked client or a server started outside the
   *     kit still runs
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> leaks = new ArrayList<>();
    for (InMemoryClientTransport transport : clientTransports) {
      transport.faults().clearDelays();
      transport.faults().resumeReading();
    }
    clients.forEach(ChatClient::close);
    try {
      for (InMemoryServerTransport transport : transports) {
        if (transport.openConnections() > 0 && !awaitNoConnections(transport)) {
          leaks.add(transport.openConnections() + " connection(s) to " + transport.name()
              + " from clients the test did not close");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    servers.forEach(ChatServer::close);
    Set<String> running = InMemoryServerTransport.runningNames();
    running.removeAll(runningBefore);
    if (!running.isEmpty()) {
      leaks.add("in-memory servers left running: " + running);
    }
    if (!leaks.isEmpty()) {
      throw new AssertionError("the test left things running: " + String.join("; ", leaks));
    }
  }

  /**
   * Waits for the connections to end. The close of a client the kit built and closed may still be under
   * way behind frames delayed by a fault: those connections are cut before giving up.
   */
  private boolean awaitNoConnections(InMemoryServerTransport transport) throws InterruptedException {
    if (transport.awaitNoConnections(CLOSE_GRACE)) {
      return true;
    }
    int cut = 0;
    for (InMemoryClientTransport clientTransport : transportOf.values()) {
      cut += clientTransport.faults().dropAll();
    }
    return cut > 0 && transport.awaitNoConnections(CLOSE_GRACE);
  }

  private ChatServer start(String name, Consumer<ChatServer.Builder> configure, HistoryStore store) {
    checkOpen();
    InMemoryServerTransport transport = InMemoryServerTransport.forName(name);
    ChatServer.Builder builder = ChatServer.builder(transport).historyStore(store);
    configure.accept(builder);
    ChatServer server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    servers.add(server);
    transports.add(transport);
    latest = new Started(name, configure, store, server);
    return server;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the kit is closed");
    }
  }

  /** A server the kit started, and what it takes to start it again. */
  private record Started(
      String name, Consumer<ChatServer.Builder> configure, HistoryStore store, ChatServer server) {}
}
