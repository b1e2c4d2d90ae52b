package dev.natter.examples.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code natter-server.jar} run as a real process, as a user would: {@code java -jar natter-server.jar
 * ARGS} in a working directory of the test's (so {@code ./natter-data} lands there). Its output is read
 * as it comes, so a test can wait for the {@code listening on} line.
 *
 * <p>The jar is the system property {@code natter.server.jar} (set by the failsafe configuration of
 * examples/pom.xml), else {@code target/natter-server.jar}. {@link #close()} kills the process; a test
 * stops every process it started.
 */
public final class ServerProcess implements AutoCloseable {
  /** How long anything may take before a test gives up: generous, for a loaded machine. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static final Pattern LISTENING = Pattern.compile("listening on (ws://\\S+)");

  private final Process process;
  private final List<String> command;
  private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final StringBuffer stderr = new StringBuffer();
  private final CompletableFuture<Void> stdoutEnded = new CompletableFuture<>();
  private final CompletableFuture<Void> stderrEnded = new CompletableFuture<>();
  private volatile URI listening;

  private ServerProcess(Process process, List<String> command) {
    this.process = process;
    this.command = command;
    pump(process.getInputStream(), "stdout", line -> {
      stdout.add(line);
      unread.add(line);
    }, stdoutEnded);
    pump(process.getErrorStream(), "stderr", line -> stderr.append(line).append('\n'), stderrEnded);
  }

  /** The shaded server jar, built in the package phase. */
  public static Path jar() {
    Path jar = Path.of(System.getProperty("natter.server.jar", "target/natter-server.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError("no server jar at " + jar + ": it is built in the package phase"
          + " (./mvnw -B verify -pl examples runs it first)");
    }
    return jar;
  }

  /** Starts {@code java -jar natter-server.jar ARGS} in {@code workDir}; does not wait for it. */
  public static ServerProcess start(Path workDir, String... args) throws IOException {
    String java = ProcessHandle.current().info().command()
        .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(java, "-jar", jar().toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(workDir.toFile()).start();
    return new ServerProcess(process, List.copyOf(command));
  }

  /** The process itself. */
  public Process process() {
    return process;
  }

  /** Waits for the {@code listening on} line and returns the URI it names ({@code ws://HOST:PORT/chat}). */
  public URI awaitListening() throws InterruptedException {
    if (listening != null) {
      return listening;
    }
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      // In slices, so that a process that exited without the line is reported at once.
      boolean ended = stdoutEnded.isDone();
      String line = unread.poll(Math.min(100_000_000L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null && !ended && System.nanoTime() < deadline) {
        continue;
      }
      if (line == null) {
        throw new AssertionError("no 'listening on' line within " + TIMEOUT + " from " + command
            + "; stdout: " + stdout + (process.isAlive() ? "" : ", exited with " + process.exitValue())
            + "; stderr:\n" + stderr);
      }
      Matcher matcher = LISTENING.matcher(line);
      if (matcher.find()) {
        listening = URI.create(matcher.group(1));
        return listening;
      }
    }
  }

  /** The port it listens on, after {@link #awaitListening()}. */
  public int port() throws InterruptedException {
    return awaitListening().getPort();
  }

  /** The chat page: {@code http://HOST:PORT/}, after waiting for the {@code listening on} line. */
  public URI pageUri() throws InterruptedException {
    URI chat = awaitListening();
    return URI.create("http://" + chat.getRawAuthority() + "/");
  }

  /** Sends SIGTERM: the graceful shutdown (clients closed with 1001). */
  public void sigterm() {
    // Through the handle: Process.destroy() would also close our end of the server's stdout and stderr,
    // losing what it prints while shutting down.
    process.toHandle().destroy();
  }

  /** Sends SIGKILL: the process ends at once, nothing is closed gracefully. */
  public void sigkill() {
    process.toHandle().destroyForcibly();
  }

  /** Waits for the process to exit and for all of its output to be read; returns the exit status. */
  public int awaitExit() throws InterruptedException, ExecutionException, TimeoutException {
    if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the server did not exit within " + TIMEOUT + "; stderr:\n" + stderr);
    }
    CompletableFuture.allOf(stdoutEnded, stderrEnded).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    return process.exitValue();
  }

  /** Every line printed to standard output, after it was closed (the process ended). */
  public List<String> stdoutLines() throws InterruptedException, ExecutionException, TimeoutException {
    stdoutEnded.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    return List.copyOf(stdout);
  }

  /** Standard error so far; all of it once the process ended. */
  public String stderr() throws InterruptedException, ExecutionException, TimeoutException {
    if (!process.isAlive()) {
      stderrEnded.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
    return stderr.toString();
  }

  /** Standard error so far, without waiting: for failure messages. */
  public String stderrSoFar() {
    return stderr.toString();
  }

  /** Kills the process (SIGKILL) and waits a little for it to end. Idempotent. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pump(InputStream stream, String name, Consumer<String> sink,
      CompletableFuture<Void> ended) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          sink.accept(line);
        }
        ended.complete(null);
      } catch (IOException | UncheckedIOException e) {
        ended.completeExceptionally(e);
      }
    }, "natter-server-" + name);
    thread.setDaemon(true);
    thread.start();
  }
}
