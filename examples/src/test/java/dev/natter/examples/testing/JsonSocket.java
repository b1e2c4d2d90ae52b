package dev.natter.examples.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain JDK WebSocket client (HTTP/1.1) that keeps the text messages it receives and how the
 * connection closed, for tests that speak the protocol's JSON by hand (docs/protocol.md).
 */
public final class JsonSocket {
  /** How long anything may take before a test gives up: generous, for a loaded machine. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]*)\"");

  /**
   * How the connection ended.
   *
   * @param code the close code; 1006 when it broke without a close frame
   * @param reason the close reason
   */
  public record Close(int code, String reason) {}

  private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();
  private final WebSocket socket;

  private JsonSocket(URI uri, Map<String, String> headers) {
    WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
    headers.forEach(builder::header);
    this.socket = builder.buildAsync(uri, new Listener())
        .orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .join();
  }

  /** Connects to a chat URI such as {@code ws://127.0.0.1:PORT/chat}. */
  public static JsonSocket connect(URI uri) {
    return new JsonSocket(uri, Map.of());
  }

  /** Connects with extra handshake headers, such as {@code Authorization: Bearer ...}. */
  public static JsonSocket connect(URI uri, Map<String, String> headers) {
    return new JsonSocket(uri, headers);
  }

  /** Sends one text frame. */
  public void send(String json) {
    socket.sendText(json, true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  /**
   * The next message of this {@code type}, skipping events of other types (such as presence); an
   * {@code error} frame while waiting for another type fails the test.
   */
  public String next(String type) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    List<String> skipped = new ArrayList<>();
    while (true) {
      String message = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (message == null) {
        throw new AssertionError("no '" + type + "' within " + TIMEOUT + "; received instead: " + skipped);
      }
      Matcher matcher = TYPE.matcher(message);
      if (matcher.find() && matcher.group(1).equals(type)) {
        return message;
      }
      assertThat(message).as("a frame while waiting for '%s'", type).doesNotContain("\"type\":\"error\"");
      skipped.add(message);
    }
  }

  /** The next message of this {@code type} that contains {@code text}, skipping others of the type too. */
  public String next(String type, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String message = next(type);
      if (message.contains(text)) {
        return message;
      }
    }
    throw new AssertionError("no '" + type + "' with " + text + " within " + TIMEOUT);
  }

  /** Waits for the connection to close and says how. */
  public Close awaitClose() {
    return closed.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  /** Waits for the connection to close and returns the close code. */
  public int awaitCloseCode() {
    return awaitClose().code();
  }

  /** Closes with 1000 (the session ends at once); does not wait for the server's answer. */
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
  }

  /** Drops the connection at once. */
  public void abort() {
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(new Close(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(new Close(1006, String.valueOf(error)));
    }
  }
}
