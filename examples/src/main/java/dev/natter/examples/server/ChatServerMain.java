package dev.natter.examples.server;

import dev.natter.chat.ChatServer;
import dev.natter.chat.auth.jwt.JwtAuthenticator;
import dev.natter.chat.auth.jwt.JwtIssuer;
import dev.natter.chat.cluster.redis.RedisCluster;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.store.jdbc.JdbcHistoryStore;
import dev.natter.chat.websocket.WebSocketServerTransport;
import dev.natter.examples.server.accounts.AccountRoutes;
import dev.natter.examples.server.accounts.AccountStore;
import dev.natter.examples.server.accounts.JwtKeyFile;
import dev.natter.examples.server.accounts.PasswordHasher;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The chat server as a program: {@code java -jar natter-server.jar --port 8080}. See
 * {@link ServerOptions#usage()} for the flags.
 *
 * <p>Prints one line, {@code listening on ws://HOST:PORT/chat}, to standard output once clients may
 * connect, and nothing else there; notes and errors go to standard error. SIGTERM (or Ctrl-C) shuts the
 * server down gracefully: open connections are closed with 1001 after their queued frames.
 *
 * <p>With {@code --auth jwt} the chat requires a JWT (HS256, the {@code --jwt-secret}); with
 * {@code --auth accounts} it also serves {@code POST /register} and {@code POST /login}
 * ({@link AccountRoutes}), keeping the accounts in the history's database (in memory with
 * {@code --in-memory}) and signing with {@code --jwt-secret} or else the key in {@code DIR/jwt.key}
 * ({@link JwtKeyFile}). Secrets never reach standard output, standard error or the log.
 *
 * <p>With {@code --redis URI --node-id ID} the server is one node of a cluster (docs/cluster.md): a
 * {@link RedisCluster} on that Redis, with the server's presence grace, and the {@code --jdbc-url}
 * PostgreSQL store opened {@linkplain JdbcHistoryStore.Builder#shared(boolean) shared}, so that several
 * such servers, behind one load balancer, are one chat. A Redis that cannot be reached at start is
 * {@link #EXIT_CANNOT_START}.
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

  /** {@link #run(String[], Map, PrintStream, PrintStream)} with the process's environment. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, System.getenv(), out, err);
  }

  /**
   * Parses {@code args} (secrets the flags leave out come from {@code environment}), starts the server
   * and blocks until it was shut down (by the JVM's shutdown hook) or the calling thread is interrupted
   * (then it closes the server and returns). Returns at once, without starting anything, for
   * {@code --help}, a bad command line or a server that cannot start.
   *
   * @return the exit status: 0 after {@code --help} or a shutdown, {@link #EXIT_CANNOT_START},
   *     {@link #EXIT_USAGE}
   */
  static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
    ServerOptions options;
    try {
      options = ServerOptions.parse(environment, args);
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

    // Their INFO lines repeat what the "listening on" line says, and at FINE and below Tyrus prints every
    // handshake's headers, Authorization: Bearer token included: never below WARNING, whatever a logging
    // configuration says.
    GRIZZLY_AND_TYRUS.setLevel(Level.WARNING);
    Wiring wiring;
    try {
      wiring = wire(options, err);
    } catch (CannotStart e) {
      err.println(NAME + ": " + e.getMessage());
      return EXIT_CANNOT_START;
    }
    ChatServer server = wiring.server();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      // Unresolvable hosts surface as unchecked exceptions without a message.
      String reason = e.getMessage() != null ? e.getMessage() : e.toString();
      err.println(NAME + ": cannot start: " + reason);
      server.close(); // releases the store it was given
      return EXIT_CANNOT_START;
    }
    Thread shutdownHook = new Thread(() -> {
      err.println(NAME + ": shutting down");
      server.close();
    }, NAME + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);

    URI uri = wiring.transport().uri();
    err.println(NAME + ": history in " + describe(options));
    ServerOptions.ClusterNode cluster = options.cluster();
    if (cluster != null) {
      err.println(NAME + ": node " + cluster.nodeId() + " of the cluster on " + cluster.redisForDisplay()
          + " (key prefix " + RedisCluster.DEFAULT_PREFIX + ")");
    }
    if (wiring.authNote() != null) {
      err.println(NAME + ": " + wiring.authNote().replace("http://HOST:PORT", "http://" + uri.getRawAuthority()));
    }
    err.println(NAME + ": the chat page is at http://" + uri.getRawAuthority() + "/");
    out.println("listening on " + uri);
    out.flush();

    try {
      boolean terminated = false;
      while (!terminated) {
        terminated = server.awaitTermination(Duration.ofHours(1));
      }
    } catch (InterruptedException e) {
      server.close();
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is stopping: the hook runs anyway and finds the server closed.
      }
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** What {@link #wire} builds: the server, not started yet, on its transport. */
  private record Wiring(WebSocketServerTransport transport, ChatServer server, String authNote) {}

  /** A server that cannot start, with a message for the person who started it. */
  private static final class CannotStart extends Exception {
    private static final long serialVersionUID = 1L;

    CannotStart(String message) {
      super(message);
    }
  }

  // Opens the store, finds the signing key, and builds the transport (with the account routes) and the
  // server. The store is closed again when something after it fails.
  private static Wiring wire(ServerOptions options, PrintStream err) throws CannotStart {
    HistoryStore store;
    try {
      store = openStore(options);
    } catch (IOException | RuntimeException e) {
      throw new CannotStart("cannot open the history store: " + e.getMessage());
    }
    try {
      WebSocketServerTransport.Builder transport = WebSocketServerTransport.forAddress(options.host(), options.port())
          .allowedOrigins(options.allowedOrigins())
          .staticResources("web"); // the chat page, natter.js beside it
      JwtAuthenticator authenticator = null;
      String authNote = null;
      if (options.auth() != ServerOptions.Auth.NONE) {
        byte[] secret = signingKey(options, err);
        try {
          authenticator = JwtAuthenticator.hs256(secret).build();
          if (options.auth() == ServerOptions.Auth.ACCOUNTS) {
            AccountStore accounts = store instanceof JdbcHistoryStore jdbc
                ? AccountStore.jdbc(jdbc.accounts())
                : AccountStore.inMemory();
            JwtIssuer issuer = JwtIssuer.hs256(secret).lifetime(AccountRoutes.TOKEN_LIFETIME).build();
            new AccountRoutes(accounts, new PasswordHasher(), issuer, Clock.systemUTC()).addTo(transport);
            authNote = "accounts: POST /register and POST /login at http://HOST:PORT, tokens signed with "
                + describeKey(options);
          } else {
            authNote = "hello needs a JWT (HS256) signed with the configured secret";
          }
        } finally {
          Arrays.fill(secret, (byte) 0); // the authenticator and the issuer keep their own copies
        }
      }
      WebSocketServerTransport built = transport.build();
      ChatServer.Builder server = ChatServer.builder(built).historyStore(store).limits(options.limits());
      if (authenticator != null) {
        server.authenticator(authenticator);
      }
      ServerOptions.ClusterNode cluster = options.cluster();
      if (cluster != null) {
        // The reaper of a dead node waits the same grace as the engine does for a lost connection: the
        // cluster is not told the engine's limits (RedisCluster.Builder.presenceGrace).
        server.cluster(RedisCluster.builder(cluster.redis()).nodeId(cluster.nodeId())
            .presenceGrace(options.limits().presenceGrace()).build());
      }
      return new Wiring(built, server.build(), authNote);
    } catch (CannotStart | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  // The store the flags choose: SQLite in the data directory unless --in-memory or --jdbc-url.
  private static HistoryStore openStore(ServerOptions options) throws IOException {
    if (options.inMemory()) {
      return HistoryStore.inMemory();
    }
    ServerOptions.Jdbc jdbc = options.jdbc();
    if (jdbc != null) {
      // A cluster's nodes all append to this database: each batch takes its seqs in its transaction.
      return JdbcHistoryStore.builderForUrl(jdbc.url(), jdbc.user(), jdbc.password())
          .shared(options.cluster() != null).open();
    }
    Path dataDir = options.dataDir();
    if (options.auth() == ServerOptions.Auth.ACCOUNTS && !Files.exists(dataDir)
        && dataDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      // It will hold password hashes and the signing key: a new one is its owner's only.
      Files.createDirectories(dataDir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dataDir);
    }
    return JdbcHistoryStore.sqlite(dataDir.resolve(DATABASE_FILE));
  }

  // The secret of the tokens: the configured one, else a key of this run (--in-memory) or of the data
  // directory. ServerOptions has refused --jdbc-url without a secret.
  private static byte[] signingKey(ServerOptions options, PrintStream err) throws CannotStart {
    if (options.jwtSecret() != null) {
      return options.jwtSecret().bytes();
    }
    if (options.inMemory()) {
      return JwtKeyFile.randomKey();
    }
    Path file = keyFile(options);
    try {
      byte[] key = JwtKeyFile.loadOrCreate(file);
      if (!JwtKeyFile.isOwnerOnly(file)) {
        err.println(NAME + ": warning: other users may read " + file + ", which can sign tokens for any"
            + " user; chmod 600 it");
      }
      return key;
    } catch (IOException e) {
      throw new CannotStart("cannot use the JWT key " + file + ": " + e.getMessage());
    }
  }

  private static Path keyFile(ServerOptions options) {
    return options.dataDir().resolve(JwtKeyFile.FILE_NAME).toAbsolutePath().normalize();
  }

  private static String describeKey(ServerOptions options) {
    if (options.jwtSecret() != null) {
      return "the configured secret";
    }
    if (options.inMemory()) {
      return "a new key of this run (--in-memory): its tokens stop working when the server stops";
    }
    return "the key in " + keyFile(options);
  }

  private static String describe(ServerOptions options) {
    if (options.inMemory()) {
      return "memory only: it is lost when the server stops";
    }
    if (options.jdbc() != null) {
      return options.jdbc().url() + (options.cluster() != null ? ", shared by the cluster's nodes" : "");
    }
    return options.dataDir().resolve(DATABASE_FILE).toAbsolutePath().normalize().toString();
  }
}
