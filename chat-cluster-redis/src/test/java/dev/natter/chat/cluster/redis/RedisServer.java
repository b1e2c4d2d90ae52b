package dev.natter.chat.cluster.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway Redis server for one test class, on a free port of 127.0.0.1: {@code redis-server} of the
 * installed Redis (Debian's {@code redis-server} package), without persistence ({@code --save ''
 * --appendonly no}), so a {@link #restart()} loses every key, as a Redis restarted empty does
 * (docs/cluster.md §9, §10).
 *
 * <pre>{@code
 * @RegisterExtension static final RedisServer REDIS = new RedisServer();
 * ... LettuceClients.create(REDIS.uri(), timeout) ...
 * }</pre>
 *
 * <p>Without Redis the class's tests are skipped with a loud message, unless the system property
 * {@code natter.require.redis} is {@code true}: then they fail. Also usable without JUnit
 * ({@link #start()}, {@link #close()}). The server is this JVM's child, stopped by its process handle;
 * one still running when the JVM exits is killed then.
 */
// The tests compile into this module's exported package, while JUnit's types are on the class path:
// javac's "exports" lint would flag the JUnit interfaces in the signatures of a public test fixture.
@SuppressWarnings("exports")
public final class RedisServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  public static final String REQUIRE_PROPERTY = "natter.require.redis";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int START_ATTEMPTS = 3;

  private Path binary;
  private Path base;
  private int port;
  private Process process;
  private Thread killOnExit;

  /** A server not started yet: {@link #beforeAll} or {@link #start()} starts it. */
  public RedisServer() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    Optional<Path> found = findBinary();
    if (found.isEmpty()) {
      String message = "Redis is not installed (no redis-server on the PATH): the Redis tests of "
          + context.getDisplayName() + " are SKIPPED. Install it (apt-get install redis-server, as .ci/run"
          + " does); -D" + REQUIRE_PROPERTY + "=true turns this skip into a failure.";
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

  /**
   * Starts the server on a free port and returns once it answers {@code PING}. Again after
   * {@link #close()}: a new server, on a new port.
   */
  public synchronized RedisServer start() {
    if (process != null) {
      throw new IllegalStateException("already running on port " + port);
    }
    try {
      binary = findBinary().orElseThrow(() -> new IllegalStateException("Redis is not installed"));
      base = Files.createTempDirectory("natter-redis");
      // A free port can be taken by someone else before the server binds it: then try another one.
      for (int attempt = 1; ; attempt++) {
        port = freePort();
        try {
          launch();
          return this;
        } catch (IllegalStateException e) {
          if (attempt == START_ATTEMPTS || !log().contains("Address already in use")) {
            throw e;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Kills the server and starts a new one on the same port, as a Redis restarted without persistence:
   * every key is gone, every connection was cut. Returns once it answers {@code PING}.
   */
  public synchronized void restart() {
    requireRunning();
    kill();
    launch();
  }

  /**
   * Kills the server and keeps its port: Redis is down (connections are refused) until
   * {@link #startAgain()}, which starts it empty on the same port.
   */
  public synchronized void stop() {
    requireRunning();
    kill();
  }

  /** Starts a {@linkplain #stop() stopped} server again on its port, empty; returns once it answers. */
  public synchronized void startAgain() {
    if (process != null) {
      throw new IllegalStateException("already running on port " + port);
    }
    launch();
  }

  /**
   * Freezes the server with SIGSTOP: connections stay open and connecting still succeeds (the kernel
   * accepts), but nothing is answered until {@link #resume()}. Returns once the process is stopped.
   */
  public synchronized void pause() {
    requireRunning();
    signal("STOP");
    Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
    if (Files.exists(stat)) {
      await(() -> "T".equals(processState(stat)), Duration.ofSeconds(10), "redis-server to stop on SIGSTOP");
    }
  }

  /** Lets a {@linkplain #pause() paused} server go on (SIGCONT). */
  public synchronized void resume() {
    requireRunning();
    signal("CONT");
  }

  /** Kills the server (its data is lost) and deletes its folder. Idempotent. */
  @Override
  public synchronized void close() {
    if (process != null) {
      kill();
    }
    deleteRecursively(base);
    base = null;
  }

  public synchronized int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:PORT}. */
  public synchronized URI uri() {
    return URI.create("redis://127.0.0.1:" + port);
  }

  private void launch() {
    List<String> command = new ArrayList<>(List.of(binary.toString(),
        "--port", Integer.toString(port),
        "--bind", "127.0.0.1",
        "--protected-mode", "yes",
        "--save", "",
        "--appendonly", "no",
        "--dir", base.toString(),
        "--daemonize", "no",
        "--logfile", "",
        "--loglevel", "warning"));
    try {
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("redis.log").toFile()))
          .directory(base.toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process started = process;
    killOnExit = new Thread(started::destroyForcibly, "redis-server-" + port + "-kill-on-exit");
    Runtime.getRuntime().addShutdownHook(killOnExit);
    try {
      await(() -> !started.isAlive() || answersPing(), STARTUP_TIMEOUT, "redis-server to answer PING");
    } catch (IllegalStateException e) {
      kill();
      throw new IllegalStateException(e.getMessage() + logTail(), e);
    }
    if (!started.isAlive()) {
      int exit = started.exitValue();
      forget();
      throw new IllegalStateException(String.join(" ", command) + " exited with " + exit + logTail());
    }
  }

  /** Kills the process (SIGKILL also ends a stopped one) and waits for it to be gone. */
  private void kill() {
    Process running = process;
    running.destroyForcibly();
    try {
      if (!running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("redis-server " + running.pid() + " did not die on SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing redis-server", e);
    }
    forget();
  }

  private void forget() {
    process = null;
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // The JVM is shutting down already: the hook runs anyway, harmlessly.
    }
    killOnExit = null;
  }

  private void requireRunning() {
    if (process == null) {
      throw new IllegalStateException("redis-server is not running");
    }
  }

  /** {@code kill -SIG pid}: the JDK has no way to send SIGSTOP or SIGCONT. */
  private void signal(String signal) {
    List<String> command = List.of("kill", "-" + signal, Long.toString(process.pid()));
    try {
      Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (kill.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  /** One {@code PING} on a fresh connection; false on any failure. */
  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
      socket.setSoTimeout(1_000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] expected = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
      byte[] answer = in.readNBytes(expected.length);
      return Arrays.equals(expected, answer);
    } catch (IOException e) {
      return false;
    }
  }

  /** Polls {@code condition} until it holds; fails after {@code timeout}. */
  private static void await(BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }

  /** The state letter of /proc/PID/stat ({@code T} once stopped), or "" when unreadable. */
  private static String processState(Path stat) {
    try {
      String line = Files.readString(stat, StandardCharsets.US_ASCII);
      // "pid (comm) S ...": the command may hold spaces and parentheses, the state follows the last ')'.
      int end = line.lastIndexOf(')');
      return end < 0 || end + 2 >= line.length() ? "" : line.substring(end + 2, end + 3);
    } catch (IOException e) {
      return "";
    }
  }

  private String log() {
    try {
      return Files.readString(base.resolve("redis.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private String logTail() {
    List<String> lines = log().lines().toList();
    return "\nredis.log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  private static Optional<Path> findBinary() {
    List<String> dirs = new ArrayList<>(List.of(
        System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)));
    dirs.addAll(List.of("/usr/bin", "/usr/local/bin", "/usr/sbin"));
    return dirs.stream()
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, "redis-server"))
        .filter(Files::isExecutable)
        .findFirst();
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
