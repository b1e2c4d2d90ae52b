package dev.natter.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The example server ({@code natter-server.jar}) as a child JVM: started on a free port on 127.0.0.1
 * ({@code --port 0}; the server prints the port it got in its {@code listening on ws://...} line), and
 * stopped with SIGTERM, which shuts it down gracefully, at {@link #close()} or when the driver's JVM
 * exits. Its output lines go to the driver's standard error, prefixed with {@code [server]}.
 */
final class ServerProcess implements AutoCloseable {
  private static final String LISTENING = "listening on ";
  private static final long START_TIMEOUT_SECONDS = 60;
  private static final long STOP_TIMEOUT_SECONDS = 15;

  private final Process process;
  private final URI uri;
  private final Thread killOnExit;

  private ServerProcess(Process process, URI uri, Thread killOnExit) {
    this.process = process;
    this.uri = uri;
    this.killOnExit = killOnExit;
  }

  /**
   * Starts {@code java JVM_ARGS -jar JAR --host 127.0.0.1 --port 0 SERVER_ARGS} with the driver's own
   * {@code java}, and returns once the server listens.
   *
   * @throws IOException when it cannot start, exits first, or does not listen within a minute
   */
  static ServerProcess start(Path jar, List<String> jvmArgs, List<String> serverArgs, PrintStream log)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IOException("no server jar at " + jar + " (build it: ./mvnw -o -q -DskipTests package -pl"
          + " examples -am)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", jar.toString(), "--host", "127.0.0.1", "--port", "0"));
    command.addAll(serverArgs);
    Process process = new ProcessBuilder(command).start();
    // A driver stopped with Ctrl-C must not leave its server running.
    Thread killOnExit = new Thread(process::destroyForcibly, "stop-server");
    Runtime.getRuntime().addShutdownHook(killOnExit);

    CompletableFuture<URI> listening = new CompletableFuture<>();
    forward(process.getInputStream(), log, listening, "server-out");
    forward(process.getErrorStream(), log, null, "server-err");
    process.onExit().thenRun(() -> listening.completeExceptionally(
        new IOException("the server exited with status " + process.exitValue() + " before listening")));
    try {
      URI uri = listening.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return new ServerProcess(process, uri, killOnExit);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      process.destroyForcibly();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IOException("cannot start the server (" + String.join(" ", command) + "): "
          + (e instanceof TimeoutException ? "no '" + LISTENING + "' line within " + START_TIMEOUT_SECONDS + " s"
              : cause.getMessage()), cause);
    }
  }

  /** The server's WebSocket endpoint, from its {@code listening on} line. */
  URI uri() {
    return uri;
  }

  long pid() {
    return process.pid();
  }

  /**
   * The URI in a {@code listening on ws://HOST:PORT/chat} line, or {@code null} for any other line.
   */
  static URI listeningUri(String line) {
    if (!line.startsWith(LISTENING)) {
      return null;
    }
    try {
      return new URI(line.substring(LISTENING.length()).trim());
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  /** Stops the server with SIGTERM (a graceful shutdown), killing it when it takes more than 15 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway, on a process already ended
    }
  }

  // Copies the server's lines to the log on a daemon thread (a full pipe would stall the server),
  // completing `listening` at the first listening line.
  private static void forward(InputStream in, PrintStream log, CompletableFuture<URI> listening, String name) {
    Thread thread = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          log.println("[server] " + line);
          URI uri = listening == null ? null : listeningUri(line);
          if (uri != null) {
            listening.complete(uri);
          }
        }
      } catch (IOException e) {
        // the process ended; onExit reports it
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
  }
}
