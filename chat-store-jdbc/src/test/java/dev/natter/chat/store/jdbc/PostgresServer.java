package dev.natter.chat.store.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server for one test class, in a temp folder on a free port of 127.0.0.1:
 * {@code initdb} and {@code pg_ctl} of the installed PostgreSQL (under /usr/lib/postgresql/N/bin, or on
 * the PATH), run as user {@code postgres} when the tests run as root (PostgreSQL refuses root).
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();
 * ... JdbcHistoryStore.forUrl(POSTGRES.newDatabaseUrl(), "postgres", null) ...
 * }</pre>
 *
 * <p>Without PostgreSQL the class's tests are skipped with a loud message, unless the system property
 * {@code natter.require.postgres} is {@code true}: then they fail. Also usable without JUnit
 * ({@link #start()}, {@link #close()}), as the benchmark does. Public because this module's test-jar
 * lends it to the cluster tests of chat-cluster-redis.
 */
// The tests compile into this module's exported package, while JUnit's types are on the class path:
// javac's "exports" lint would flag the JUnit interfaces in the signatures of a public test fixture.
@SuppressWarnings("exports")
public final class PostgresServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  public static final String REQUIRE_PROPERTY = "natter.require.postgres";
  private static final long COMMAND_TIMEOUT_SECONDS = 60;

  private final AtomicInteger schemas = new AtomicInteger();
  private Path bin;
  private Path base;
  private Path data;
  private int port;
  private boolean initialized;

  /** A server not started yet: {@link #beforeAll} or {@link #start()} starts it. */
  public PostgresServer() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    Optional<Path> found = findBinaries();
    if (found.isEmpty()) {
      String message = "PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin or on"
          + " the PATH): the PostgreSQL tests of " + context.getDisplayName() + " are SKIPPED."
          + " Install it (apt-get install postgresql, as .ci/run does); -D" + REQUIRE_PROPERTY
          + "=true turns this skip into a failure.";
      if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
        Assertions.fail(message.replace("are SKIPPED", "FAIL (" + REQUIRE_PROPERTY + "=true)"));
      }
      System.err.println("*** " + message);
      Assumptions.abort(message);
    }
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Finds the binaries, creates the cluster (first time only) and starts the server. */
  public void start() {
    try {
      if (!initialized) {
        bin = findBinaries().orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed"));
        base = Files.createTempDirectory("natter-pg");
        if (isRoot()) {
          UserPrincipalLookupService users = base.getFileSystem().getUserPrincipalLookupService();
          Files.setOwner(base, users.lookupPrincipalByName("postgres"));
        }
        data = base.resolve("data");
        run(bin.resolve("initdb").toString(), "-D", data.toString(), "--auth=trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C", "--no-sync");
        port = freePort();
        initialized = true;
      }
      run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", base.resolve("server.log").toString(),
          "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + base, "-w", "-t", "60", "start");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the server as an administrator would ({@code pg_ctl stop -m fast}); {@link #start()} again. */
  public void stop() {
    run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop");
  }

  /** Stops the server at once and deletes its folder. Idempotent. */
  @Override
  public void close() {
    if (!initialized) {
      return;
    }
    initialized = false;
    Optional<ProcessHandle> postmaster = postmaster();
    try {
      run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
    } catch (RuntimeException e) {
      postmaster.ifPresent(ProcessHandle::destroyForcibly);
    }
    postmaster.filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
    deleteRecursively(base);
  }

  public int port() {
    return port;
  }

  /** The URL of the {@code postgres} database itself. */
  public String adminUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /** A URL whose tables go to a new, empty schema: one per test, cheaper than a database. */
  public String newDatabaseUrl() {
    String schema = "test_" + schemas.incrementAndGet();
    try (Connection connection = DriverManager.getConnection(adminUrl(), "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + schema, e);
    }
    return adminUrl() + "?currentSchema=" + schema;
  }

  private Optional<ProcessHandle> postmaster() {
    try {
      List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
      return lines.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Runs a PostgreSQL command, as user postgres when we are root, and fails with its output. */
  private void run(String... command) {
    List<String> line = new ArrayList<>();
    if (isRoot()) {
      line.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    line.addAll(List.of(command));
    try {
      Path output = Files.createTempFile("natter-pg-command", ".log");
      try {
        Process process = new ProcessBuilder(line)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .directory(base.toFile())
            .start();
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("timed out: " + String.join(" ", line));
        }
        if (process.exitValue() != 0) {
          throw new IllegalStateException(String.join(" ", line) + " exited with " + process.exitValue()
              + ":\n" + Files.readString(output, StandardCharsets.UTF_8) + serverLogTail());
        }
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", line), e);
    }
  }

  private String serverLogTail() {
    try {
      List<String> lines = Files.readAllLines(base.resolve("server.log"));
      return "\nserver.log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private static Optional<Path> findBinaries() {
    Path installed = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(installed)) {
      try (Stream<Path> versions = Files.list(installed)) {
        Optional<Path> newest = versions
            .map(version -> version.resolve("bin"))
            .filter(dir -> Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl")))
            .max(Comparator.comparing(PostgresServer::majorVersion));
        if (newest.isPresent()) {
          return newest;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "initdb")) && Files.isExecutable(Path.of(dir, "pg_ctl"))) {
        return Optional.of(Path.of(dir));
      }
    }
    return Optional.empty();
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A leftover temp folder is not worth failing the tests for.
    }
  }
}
