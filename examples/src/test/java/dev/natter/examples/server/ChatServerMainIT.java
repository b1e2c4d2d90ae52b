package dev.natter.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.examples.testing.AccountsClient;
import dev.natter.examples.testing.AccountsClient.Reply;
import dev.natter.examples.testing.JsonSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code natter-server.jar} as a real process, as a user would, and talks to it with the JDK's own
 * WebSocket client and hand-written JSON (docs/protocol.md).
 */
class ChatServerMainIT {
  /** How long anything may take before the test gives up: generous, for a loaded machine. */
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern LISTENING = Pattern.compile("listening on (ws://\\S+)");

  @TempDir Path workDir;

  private final List<ServerProcess> servers = new ArrayList<>();
  private final List<JsonSocket> sockets = new ArrayList<>();

  @AfterEach
  void stopEverything() {
    sockets.forEach(JsonSocket::abort);
    servers.forEach(ServerProcess::kill);
  }

  @Test
  void twoClientsChatThroughTheServerAndSigtermClosesThemWithGoingAway() throws Exception {
    ServerProcess server = start("--port", "0");
    URI uri = server.awaitListening();
    assertThat(uri.getHost()).isEqualTo("127.0.0.1");
    assertThat(uri.getPort()).isPositive();
    assertThat(uri.getPath()).isEqualTo("/chat");

    JsonSocket alice = connect(uri);
    JsonSocket bob = connect(uri);
    alice.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"name\":\"alice\"}");
    assertThat(alice.next("welcome")).contains("\"id\":\"1\"");
    bob.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"name\":\"bob\"}");
    bob.next("welcome");
    alice.send("{\"type\":\"join\",\"id\":\"2\",\"room\":\"general\"}");
    alice.next("joined");
    bob.send("{\"type\":\"join\",\"id\":\"2\",\"room\":\"general\"}");
    bob.next("joined");

    alice.send("{\"type\":\"send\",\"id\":\"3\",\"room\":\"general\",\"text\":\"hi bob!\",\"cid\":\"c-1\"}");

    String message = bob.next("message");
    assertThat(message)
        .containsPattern("\"room\"\\s*:\\s*\"general\"")
        .containsPattern("\"text\"\\s*:\\s*\"hi bob!\"")
        .containsPattern("\"from\"\\s*:\\s*\\{\"id\"\\s*:\\s*\"alice\"");
    alice.next("ok");

    // SIGTERM. Through the handle: Process.destroy() would also close our end of the server's stdout and
    // stderr, losing what it prints while shutting down.
    assertThat(server.process.toHandle().destroy()).as("SIGTERM sent").isTrue();

    assertThat(alice.awaitCloseCode()).as("alice's close code").isEqualTo(1001);
    assertThat(bob.awaitCloseCode()).as("bob's close code").isEqualTo(1001);
    assertThat(server.process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
        .as("the server exited after SIGTERM; stderr:%n%s", server.stderr())
        .isTrue();
    assertThat(server.stdoutLines()).as("everything the server printed to stdout").hasSize(1);
  }

  @Test
  void historyInTheDataDirectorySurvivesARestart() throws Exception {
    ServerProcess first = start("--port", "0");
    JsonSocket alice = connect(first.awaitListening());
    alice.send("{\"type\":\"hello\",\"id\":\"1\",\"name\":\"alice\"}");
    alice.next("welcome");
    alice.send("{\"type\":\"join\",\"id\":\"2\",\"room\":\"general\"}");
    Matcher epoch = Pattern.compile("\"epoch\"\\s*:\\s*\"([^\"]+)\"").matcher(alice.next("joined"));
    assertThat(epoch.find()).isTrue();
    for (int i = 1; i <= 3; i++) {
      alice.send("{\"type\":\"send\",\"id\":\"s" + i + "\",\"room\":\"general\",\"text\":\"before restart "
          + i + "\"}");
      alice.next("ok");
    }
    assertThat(first.process.toHandle().destroy()).isTrue();
    assertThat(first.awaitExit()).as("stderr:%n%s", first.stderr()).isNotEqualTo(1);
    assertThat(workDir.resolve("natter-data").resolve("natter.db")).isRegularFile();

    ServerProcess second = start("--port", "0");
    JsonSocket bob = connect(second.awaitListening());
    bob.send("{\"type\":\"hello\",\"id\":\"1\",\"name\":\"bob\"}");
    bob.next("welcome");
    bob.send("{\"type\":\"join\",\"id\":\"2\",\"room\":\"general\",\"since\":{\"seq\":1,\"epoch\":\""
        + epoch.group(1) + "\"}}");
    String joined = bob.next("joined");

    assertThat(joined).containsPattern("\"recovered\"\\s*:\\s*true")
        .contains("before restart 2", "before restart 3")
        .doesNotContain("before restart 1");
  }

  @Test
  void accountsRegisterLogInChatAndSurviveARestartWithTheirKey() throws Exception {
    String password = "correct horse battery staple";
    ServerProcess first = start("--port", "0", "--auth", "accounts");
    URI chat = first.awaitListening();
    AccountsClient accounts = AccountsClient.forChat(chat);
    Reply registered = accounts.register("Alice", password);
    assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    assertThat(accounts.register("Bob", "bob's password").status()).isEqualTo(201);
    Reply loggedIn = accounts.login("alice", password);
    assertThat(loggedIn.status()).isEqualTo(200);
    assertThat(accounts.login("alice", "not the password").status()).isEqualTo(401);
    String firstRunToken = loggedIn.token();

    JsonSocket alice = connect(chat);
    alice.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"token\":\"" + firstRunToken + "\"}");
    assertThat(alice.next("welcome")).contains("\"id\":\"alice\"", "\"name\":\"Alice\"");
    String bobToken = accounts.login("bob", "bob's password").token();
    JsonSocket bob = connect(chat, Map.of("Authorization", "Bearer " + bobToken));
    bob.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1}");
    bob.next("welcome");
    alice.send("{\"type\":\"join\",\"id\":\"2\",\"room\":\"general\"}");
    alice.next("joined");
    bob.send("{\"type\":\"join\",\"id\":\"2\",\"room\":\"general\"}");
    bob.next("joined");
    alice.send("{\"type\":\"send\",\"id\":\"3\",\"room\":\"general\",\"text\":\"hi bob!\"}");
    assertThat(bob.next("message")).contains("hi bob!", "\"id\":\"alice\"");
    JsonSocket nameOnly = connect(chat);
    nameOnly.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"name\":\"mallory\"}");
    assertThat(nameOnly.next("error")).contains("auth_failed");
    assertThat(nameOnly.awaitCloseCode()).isEqualTo(4001);

    Path key = workDir.resolve("natter-data").resolve("jwt.key");
    assertThat(key).isRegularFile();
    if (key.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())))
          .as("a new data directory holding hashes and the key").isEqualTo("rwx------");
    }
    byte[] keyBefore = Files.readAllBytes(key);
    assertThat(first.process.toHandle().destroy()).isTrue();
    assertThat(first.awaitExit()).as("stderr:%n%s", first.stderr()).isNotEqualTo(1);
    assertThat(first.stderr()).contains("accounts: POST /register and POST /login", key.toString())
        .doesNotContain(password, firstRunToken, new String(keyBefore, StandardCharsets.US_ASCII).strip());

    ServerProcess second = start("--port", "0", "--auth", "accounts");
    URI again = second.awaitListening();
    AccountsClient accountsAgain = AccountsClient.forChat(again);
    assertThat(Files.readAllBytes(key)).as("the key was kept").isEqualTo(keyBefore);
    Reply loggedInAgain = accountsAgain.login("ALICE", password);
    assertThat(loggedInAgain.status()).isEqualTo(200);
    assertThat(loggedInAgain.json().path("user").path("name").asText()).isEqualTo("Alice");
    assertThat(accountsAgain.register("alice", "another password").status()).isEqualTo(409);
    assertThat(accountsAgain.login("alice", "not the password").status()).isEqualTo(401);

    JsonSocket withOldToken = connect(again);
    withOldToken.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"token\":\"" + firstRunToken + "\"}");
    assertThat(withOldToken.next("welcome")).as("a token of the first run, signed with the same key")
        .contains("\"id\":\"alice\"");
    JsonSocket withNewToken = connect(again);
    withNewToken.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"token\":\"" + loggedInAgain.token() + "\"}");
    withNewToken.next("welcome");
  }

  @Test
  void aBadFlagExitsWithStatusTwoAndNamesTheFlag() throws Exception {
    ServerProcess server = start("--port", "0", "--max-text-chars", "many");

    assertThat(server.awaitExit()).isEqualTo(2);
    assertThat(server.stderr()).startsWith("natter-server: ").contains("--max-text-chars").contains("--help");
    assertThat(server.stdoutLines()).isEmpty();
  }

  @Test
  void anUnknownFlagExitsWithStatusTwoAndNamesTheFlag() throws Exception {
    ServerProcess server = start("--prot=0");

    assertThat(server.awaitExit()).isEqualTo(2);
    assertThat(server.stderr()).startsWith("natter-server: unknown flag: --prot");
    assertThat(server.stdoutLines()).isEmpty();
  }

  @Test
  void aPortInUseExitsWithStatusOneAndSaysWhichPort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      ServerProcess server = start("--port", String.valueOf(taken.getLocalPort()));

      assertThat(server.awaitExit()).isEqualTo(1);
      assertThat(server.stderr())
          .startsWith("natter-server: ")
          .contains("127.0.0.1:" + taken.getLocalPort());
      assertThat(server.stdoutLines()).isEmpty();
    }
  }

  @Test
  void helpPrintsTheUsageAndExitsWithStatusZero() throws Exception {
    ServerProcess server = start("--help");

    assertThat(server.awaitExit()).isZero();
    assertThat(String.join("\n", server.stdoutLines()))
        .startsWith("Usage: java -jar natter-server.jar")
        .contains("--rate-limit");
  }

  private ServerProcess start(String... args) throws IOException {
    Path jar = Path.of(System.getProperty("natter.server.jar", "target/natter-server.jar")).toAbsolutePath();
    assertThat(jar).as("the shaded jar, built in the package phase").isRegularFile();
    String java = ProcessHandle.current().info().command()
        .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString()));
    command.addAll(List.of(args));
    ServerProcess server = new ServerProcess(new ProcessBuilder(command).directory(workDir.toFile()).start());
    servers.add(server);
    return server;
  }

  private JsonSocket connect(URI uri) {
    return connect(uri, Map.of());
  }

  private JsonSocket connect(URI uri, Map<String, String> headers) {
    JsonSocket socket = JsonSocket.connect(uri, headers);
    sockets.add(socket);
    return socket;
  }

  /** A server process whose output is read as it comes, so a test can wait for a line. */
  private static final class ServerProcess {
    final Process process;
    private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final StringBuffer stderr = new StringBuffer();
    private final CompletableFuture<Void> stdoutEnded = new CompletableFuture<>();
    private final CompletableFuture<Void> stderrEnded = new CompletableFuture<>();

    ServerProcess(Process process) {
      this.process = process;
      pump(process.getInputStream(), "stdout", line -> {
        stdout.add(line);
        unread.add(line);
      }, stdoutEnded);
      pump(process.getErrorStream(), "stderr", line -> stderr.append(line).append('\n'), stderrEnded);
    }

    /** Waits for the {@code listening on} line and returns the URI it names. */
    URI awaitListening() throws InterruptedException {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (true) {
        String line = unread.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError("no 'listening on' line within " + TIMEOUT + "; stdout: " + stdout
              + (process.isAlive() ? "" : ", exited with " + process.exitValue()) + "; stderr:\n" + stderr);
        }
        Matcher matcher = LISTENING.matcher(line);
        if (matcher.find()) {
          return URI.create(matcher.group(1));
        }
      }
    }

    /** Waits for the process to exit and for all of its output to be read; returns the exit status. */
    int awaitExit() throws InterruptedException, ExecutionException, TimeoutException {
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the server did not exit within " + TIMEOUT + "; stderr:\n" + stderr);
      }
      CompletableFuture.allOf(stdoutEnded, stderrEnded).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return process.exitValue();
    }

    List<String> stdoutLines() throws InterruptedException, ExecutionException,
        TimeoutException {
      stdoutEnded.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return List.copyOf(stdout);
    }

    String stderr() throws InterruptedException, ExecutionException, TimeoutException {
      if (!process.isAlive()) {
        stderrEnded.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
      return stderr.toString();
    }

    void kill() {
      process.destroyForcibly();
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
}
