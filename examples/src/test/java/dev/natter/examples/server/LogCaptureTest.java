package dev.natter.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.User;
import dev.natter.chat.auth.jwt.JwtIssuer;
import dev.natter.examples.server.accounts.JwtKeyFile;
import dev.natter.examples.testing.AccountsClient;
import dev.natter.examples.testing.AccountsClient.Reply;
import dev.natter.examples.testing.JsonSocket;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A whole session of {@code --auth accounts}, run in process by {@link ChatServerMain#run} itself, with
 * every log record captured (a handler on the root logger, at {@link Level#ALL}, where {@link
 * System.Logger} ends up by default) and everything written to standard output and error:
 * registrations, logins, a wrong password, an unknown name, bad JSON holding a password, chat with
 * tokens in {@code hello} and in the handshake, bad tokens. No captured line may hold a password, a
 * token (or its signature), a password hash or the signing key.
 *
 * <p>Every logger logs at ALL except Grizzly's and Tyrus's ({@code org.glassfish}), which the server pins
 * at WARNING whatever they were set to before: at FINE and FINEST Tyrus prints each handshake's headers,
 * {@code Authorization: Bearer} token included. The test sets them to ALL before the server starts, so it
 * fails if the server stops pinning them.
 */
class LogCaptureTest {
  private static final String SECRET = "log-capture-secret-0123456789abcdef-XYZ";
  private static final String ALICE_PASSWORD = "alice-password-Tr0ub4dor&3";
  private static final String BOB_PASSWORD = "bob-password-correct-horse";
  private static final String WRONG_PASSWORD = "wrong-password-for-alice";
  private static final String UNKNOWN_PASSWORD = "password-of-nobody-at-all";
  private static final String SHORT_PASSWORD = "short#7";
  private static final String BAD_JSON_PASSWORD = "password-inside-bad-json";
  private static final Pattern LISTENING = Pattern.compile("listening on (ws://\\S+)");

  @TempDir Path dataDir;

  private final Logger root = Logger.getLogger("");
  private final Logger libraries = Logger.getLogger("org.glassfish");
  private final CapturingHandler captured = new CapturingHandler();
  private final Capture out = new Capture();
  private final Capture err = new Capture();
  private final Capture systemOut = new Capture();
  private final Capture systemErr = new Capture();
  private final List<JsonSocket> sockets = new ArrayList<>();
  private Level rootLevel;
  private Level librariesLevel;
  private PrintStream originalOut;
  private PrintStream originalErr;

  @BeforeEach
  void captureEverything() {
    rootLevel = root.getLevel();
    librariesLevel = libraries.getLevel();
    root.setLevel(Level.ALL);
    root.addHandler(captured);
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(new Tee(originalOut, systemOut), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(originalErr, systemErr), true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreLogging() {
    sockets.forEach(JsonSocket::abort);
    System.setOut(originalOut);
    System.setErr(originalErr);
    root.removeHandler(captured);
    root.setLevel(rootLevel);
    libraries.setLevel(librariesLevel);
  }

  @ParameterizedTest(name = "key from {0}")
  @ValueSource(strings = {"--jwt-secret", "jwt.key"})
  void noLogLineHoldsAPasswordATokenOrTheKey(String keySource) throws Exception {
    List<String> args = new ArrayList<>(List.of("--port", "0", "--data-dir", dataDir.toString(), "--auth",
        "accounts", "--presence-grace-ms", "0"));
    if (keySource.equals("--jwt-secret")) {
      args.addAll(List.of("--jwt-secret", SECRET));
    }
    CompletableFuture<Integer> status = new CompletableFuture<>();
    Thread server = new Thread(() -> {
      try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
          PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
        status.complete(ChatServerMain.run(args.toArray(String[]::new), Map.of(), outStream, errStream));
      } catch (Throwable t) {
        status.completeExceptionally(t);
      }
    }, "log-capture-server");
    // Set before the start: the server must pin them back (see the class comment).
    libraries.setLevel(Level.ALL);
    server.start();
    List<String> secrets = new ArrayList<>(List.of(ALICE_PASSWORD, BOB_PASSWORD, WRONG_PASSWORD,
        UNKNOWN_PASSWORD, SHORT_PASSWORD, BAD_JSON_PASSWORD, SECRET, "pbkdf2-sha256$"));
    try {
      URI chat = URI.create(out.awaitMatch(LISTENING, status).group(1));
      assertThat(libraries.getLevel()).as("pinned by the server").isEqualTo(Level.WARNING);
      session(chat, secrets);
    } finally {
      server.interrupt();
      assertThat(status.get(JsonSocket.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isZero();
    }
    if (keySource.equals("jwt.key")) {
      String key = Files.readString(dataDir.resolve("jwt.key")).strip();
      secrets.add(key);
      secrets.add(new String(Base64.getDecoder().decode(key), StandardCharsets.ISO_8859_1));
      secrets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(Base64.getDecoder().decode(key)));
    }

    List<String> lines = new ArrayList<>(captured.lines());
    lines.addAll(List.of(out.text(), err.text(), systemOut.text(), systemErr.text()));
    String everything = String.join("\n", lines);
    assertThat(everything).as("the capture works").contains("registered the account alice", "listening on");
    assertThat(captured.levels()).as("records below INFO were captured").contains(Level.FINE);
    List<String> leaks = new ArrayList<>();
    for (String line : lines) {
      for (String secret : secrets) {
        if (line.contains(secret)) {
          leaks.add(line.replace(secret, "<<<" + secrets.indexOf(secret) + ">>>"));
        }
      }
    }
    assertThat(leaks).as("captured lines holding a password, token, hash or key").isEmpty();
  }

  /** Everything a user does, adding each token (and its signature) to {@code secrets}. */
  private void session(URI chat, List<String> secrets) throws Exception {
    AccountsClient accounts = AccountsClient.forChat(chat);
    Reply aliceRegistered = accounts.register("Alice", ALICE_PASSWORD);
    assertThat(aliceRegistered.status()).isEqualTo(201);
    Reply bobRegistered = accounts.register("Bob", BOB_PASSWORD);
    assertThat(bobRegistered.status()).isEqualTo(201);
    Reply aliceLoggedIn = accounts.login("alice", ALICE_PASSWORD);
    assertThat(aliceLoggedIn.status()).isEqualTo(200);
    assertThat(accounts.login("alice", WRONG_PASSWORD).status()).isEqualTo(401);
    assertThat(accounts.login("nobody", UNKNOWN_PASSWORD).status()).isEqualTo(401);
    assertThat(accounts.register("Carol", SHORT_PASSWORD).status()).isEqualTo(400);
    assertThat(accounts.register("Alice", ALICE_PASSWORD).status()).isEqualTo(409);
    assertThat(accounts.post("/login", "application/json",
        "{\"name\":\"alice\",\"password\":\"" + BAD_JSON_PASSWORD + "\"").status()).isEqualTo(400);
    assertThat(accounts.post("/login", "text/plain", AccountsClient.credentials("alice", ALICE_PASSWORD)).status())
        .isEqualTo(415);

    String aliceToken = aliceLoggedIn.token();
    String bobToken = bobRegistered.token();
    String foreignToken = JwtIssuer.hs256(JwtKeyFile.randomKey()).build().issue(new User("alice", "Alice"));
    String tamperedToken = aliceToken.substring(0, aliceToken.lastIndexOf('.') + 1) + "AAAA"
        + aliceToken.substring(aliceToken.lastIndexOf('.') + 5);
    String garbageToken = "garbage-token-that-is-no-jwt";
    for (String token : List.of(aliceRegistered.token(), bobToken, aliceToken, foreignToken, tamperedToken,
        garbageToken)) {
      secrets.add(token);
      secrets.add(token.substring(token.lastIndexOf('.') + 1)); // the signature alone
    }

    JsonSocket alice = connect(chat, Map.of());
    alice.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"token\":\"" + aliceToken + "\"}");
    assertThat(alice.next("welcome")).contains("\"id\":\"alice\"");
    JsonSocket bob = connect(chat, Map.of("Authorization", "Bearer " + bobToken));
    bob.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1}");
    assertThat(bob.next("welcome")).contains("\"id\":\"bob\"");
    alice.send("{\"type\":\"join\",\"id\":\"2\",\"room\":\"general\"}");
    alice.next("joined");
    bob.send("{\"type\":\"join\",\"id\":\"2\",\"room\":\"general\"}");
    bob.next("joined");
    alice.send("{\"type\":\"send\",\"id\":\"3\",\"room\":\"general\",\"text\":\"hi bob\",\"cid\":\"c1\"}");
    bob.next("message", "hi bob");
    bob.send("{\"type\":\"send\",\"id\":\"3\",\"to\":\"alice\",\"text\":\"psst\"}");
    alice.next("message", "psst");

    for (String token : List.of(foreignToken, tamperedToken, garbageToken)) {
      JsonSocket intruder = connect(chat, Map.of());
      intruder.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"token\":\"" + token + "\"}");
      assertThat(intruder.next("error")).contains("auth_failed");
      assertThat(intruder.awaitCloseCode()).isEqualTo(4001);
    }
    JsonSocket bearerIntruder = connect(chat, Map.of("Authorization", "Bearer " + tamperedToken));
    bearerIntruder.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1}");
    assertThat(bearerIntruder.next("error")).contains("auth_failed");
    assertThat(bearerIntruder.awaitCloseCode()).isEqualTo(4001);

    alice.close();
    assertThat(alice.awaitCloseCode()).isEqualTo(1000);
  }

  private JsonSocket connect(URI chat, Map<String, String> headers) {
    JsonSocket socket = JsonSocket.connect(chat, headers);
    sockets.add(socket);
    return socket;
  }

  /** Every record, formatted as a console would show it: message, parameters and stack trace. */
  private static final class CapturingHandler extends Handler {
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final List<Level> levels = Collections.synchronizedList(new ArrayList<>());
    private final SimpleFormatter formatter = new SimpleFormatter();

    CapturingHandler() {
      setLevel(Level.ALL);
    }

    @Override
    public void publish(LogRecord record) {
      levels.add(record.getLevel());
      lines.add(formatter.format(record));
      if (record.getParameters() != null) {
        for (Object parameter : record.getParameters()) {
          lines.add(String.valueOf(parameter));
        }
      }
    }

    List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }

    List<Level> levels() {
      synchronized (levels) {
        return List.copyOf(levels);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  /** Bytes written, kept as text, with a wait for a line that matches. */
  private static final class Capture extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      bytes.write(b);
      notifyAll();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      bytes.write(b, off, len);
      notifyAll();
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Waits until the text matches, the run ended, or the timeout passed. */
    synchronized Matcher awaitMatch(Pattern pattern, CompletableFuture<Integer> run) throws InterruptedException {
      long deadline = System.nanoTime() + JsonSocket.TIMEOUT.toNanos();
      while (true) {
        Matcher matcher = pattern.matcher(text());
        if (matcher.find()) {
          return matcher;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || run.isDone()) {
          throw new AssertionError("no match for " + pattern + " (run: " + run + "); output: " + text());
        }
        TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
      }
    }
  }

  /** Writes to the original stream and to a capture. */
  private static final class Tee extends OutputStream {
    private final OutputStream original;
    private final OutputStream copy;

    Tee(OutputStream original, OutputStream copy) {
      this.original = original;
      this.copy = copy;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      original.write(b);
      copy.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      original.write(b, off, len);
      copy.write(b, off, len);
    }

    @Override
    public void flush() throws java.io.IOException {
      original.flush();
    }
  }
}
