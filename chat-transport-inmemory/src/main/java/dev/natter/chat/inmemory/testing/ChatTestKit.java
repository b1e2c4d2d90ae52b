package dev.natter.chat.inmemory.testing;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatServer;
import dev.natter.chat.inmemory.InMemoryClientTransport;
import dev.natter.chat.inmemory.InMemoryServerTransport;
import dev.natter.chat.testing.RecordingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
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
 * <p>Not thread-safe: use it from the test's thread.
 */
public final class ChatTestKit implements AutoCloseable, AfterEachCallback {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** In-memory closes take microseconds; a connection still open after this was left open. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private final Set<String> runningBefore = InMemoryServerTransport.runningNames();
  private final List<ChatServer> servers = new ArrayList<>();
  private final List<InMemoryServerTransport> transports = new ArrayList<>();
  private final List<ChatClient> clients = new ArrayList<>();
  private String serverName;
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
   * Starts a server under a given name, for instance to start a new server where a closed one ran.
   */
  public ChatServer startServer(String name, Consumer<ChatServer.Builder> configure) {
    checkOpen();
    InMemoryServerTransport transport = InMemoryServerTransport.forName(name);
    ChatServer.Builder builder = ChatServer.builder(transport);
    configure.accept(builder);
    ChatServer server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    servers.add(server);
    transports.add(transport);
    serverName = name;
    return server;
  }

  /** The name of the latest server started, to build clients by hand. */
  public String serverName() {
    if (serverName == null) {
      throw new IllegalStateException("start a server first");
    }
    return serverName;
  }

  /** A transport to the latest server started. */
  public InMemoryClientTransport clientTransport() {
    return InMemoryClientTransport.forName(serverName());
  }

  /** A client named {@code name}, connected (its session started), recording nothing. */
  public ChatClient connect(String name) {
    return connect(name, new ChatListener() {});
  }

  /** A client named {@code name} with a listener (a {@link RecordingListener}, say), connected. */
  public ChatClient connect(String name, ChatListener listener) {
    return connect(ChatClient.builder(clientTransport()).name(name).listener(listener));
  }

  /** Builds, tracks and connects a client, waiting for its {@code welcome}. */
  public ChatClient connect(ChatClient.Builder builder) {
    ChatClient client = track(builder.build());
    try {
      client.connect().orTimeout(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).join();
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
   * Closes the clients and servers and checks nothing else was left running.
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
    clients.forEach(ChatClient::close);
    try {
      for (InMemoryServerTransport transport : transports) {
        if (transport.openConnections() > 0 && !transport.awaitNoConnections(CLOSE_GRACE)) {
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

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the kit is closed");
    }
  }
}
