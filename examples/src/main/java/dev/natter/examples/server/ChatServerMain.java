package dev.natter.examples.server;

import dev.natter.chat.ChatServer;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.store.jdbc.JdbcHistoryStore;
import dev.natter.chat.websocket.WebSocketServerTransport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The chat server as a program: {@code java -jar natter-server.jar --port 8080}. See
 * {@link ServerOptions#usage()} for the flags.
 *
 * <p>Prints one line, {@code listening on ws://HOST:PORT/chat}, to standard output once clients may
 * connect, and nothing else there; notes and errors go to standard error. SIGTERM (or Ctrl-C) shuts the
 * server down gracefully: open connections are closed with 1001 after their queued frames.
 */
public final class ChatServerMain {
  /** The exit status of a server that could not start, such as on a port in use. */
  static final int EXIT_CANNOT_START = 1;
  /** The exit status of a bad command line. */
  static final int EXIT_USAGE = 2;

  private static final String NAME = "natter-server";
  /** The SQLite file in the data directory. */
  static final String DATABASE_FILE = "natter.db";
  /** Held so the level set below sticks: the JDK keeps loggers only weakly. */
  private static final Logger GRIZZLY_AND_TYRUS = Logger.getLogger("org.glassfish");

  private ChatServerMain() {}

  /** Runs the server until the JVM is asked to stop. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Parses {@code args}, starts the server and blocks until it was shut down (by the JVM's shutdown
   * hook). Returns at once, without starting anything, for {@code --help}, a bad command line or a
   * server that cannot start.
   *
   * @return the exit status: 0 after {@code --help} or a shutdown, {@link #EXIT_CANNOT_START},
   *     {@link #EXIT_USAGE}
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    ServerOptions options;
    try {
      options = ServerOptions.parse(args);
    } catch (UsageException e) {
      err.println(NAME + ": " + e.getMessage());
      err.println("Try 'java -jar " + NAME + ".jar --help' for the flags.");
      return EXIT_USAGE;
    }
    if (options.help()) {
      out.print(ServerOptions.usage());
      out.flush();
      return 0;
    }

    // Their INFO lines repeat what the "listening on" line says.
    GRIZZLY_AND_TYRUS.setLevel(Level.WARNING);
    WebSocketServerTransport transport = WebSocketServerTransport.forAddress(options.host(), options.port())
        .allowedOrigins(options.allowedOrigins())
        .build();
    HistoryStore store;
    try {
      store = openStore(options);
    } catch (IOException | RuntimeException e) {
      err.println(NAME + ": cannot open the history store: " + e.getMessage());
      return EXIT_CANNOT_START;
    }
    ChatServer server = ChatServer.builder(transport).historyStore(store).limits(options.limits()).build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      // Unresolvable hosts surface as unchecked exceptions without a message.
      String reason = e.getMessage() != null ? e.getMessage() : e.toString();
      err.println(NAME + ": cannot start: " + reason);
      server.close(); // releases the store it was given
      return EXIT_CANNOT_START;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      err.println(NAME + ": shutting down");
      server.close();
    }, NAME + "-shutdown"));

    err.println(NAME + ": history in " + describe(options));
    out.println("listening on " + transport.uri());
    out.flush();

    try {
      boolean terminated = false;
      while (!terminated) {
        terminated = server.awaitTermination(Duration.ofHours(1));
      }
    } catch (InterruptedException e) {
      server.close();
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  // The store the flags choose: SQLite in the data directory unless --in-memory or --jdbc-url.
  private static HistoryStore openStore(ServerOptions options) throws IOException {
    if (options.inMemory()) {
      return HistoryStore.inMemory();
    }
    ServerOptions.Jdbc jdbc = options.jdbc();
    if (jdbc != null) {
      return JdbcHistoryStore.forUrl(jdbc.url(), jdbc.user(), jdbc.password());
    }
    Files.createDirectories(options.dataDir());
    return JdbcHistoryStore.sqlite(options.dataDir().resolve(DATABASE_FILE));
  }

  private static String describe(ServerOptions options) {
    if (options.inMemory()) {
      return "memory only: it is lost when the server stops";
    }
    if (options.jdbc() != null) {
      return options.jdbc().url();
    }
    return options.dataDir().resolve(DATABASE_FILE).toAbsolutePath().normalize().toString();
  }
}
