package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client that is not ours: the JDK's {@code java.net.http.WebSocket} over HTTP/1.1, sending
 * hand-written JSON, as a browser or another language would.
 */
final class JdkSocket implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final Object pingLock = new Object();
  private int pings;
  private final WebSocket socket;

  private JdkSocket(URI uri, String origin) {
    WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
    if (origin != null) {
      builder.header("Origin", origin);
    }
    this.socket = builder.buildAsync(uri, new Listener()).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
  }

  static JdkSocket open(URI uri) {
    return new JdkSocket(uri, null);
  }

  static JdkSocket openFrom(URI uri, String origin) {
    return new JdkSocket(uri, origin);
  }

  /** Sends one text message. */
  JdkSocket send(String json) {
    socket.sendText(json, true).join();
    return this;
  }

  /** Sends one fragment of a text message; {@code last} ends the message. */
  JdkSocket sendPart(String part, boolean last) {
    socket.sendText(part, last).join();
    return this;
  }

  /** Sends one binary message. */
  void sendBinary(byte[] bytes) {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
  }

  /** The next message from the server, parsed. */
  JsonNode next() {
    try {
      String text = messages.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (text == null) {
        throw new AssertionError("no message within " + TIMEOUT);
      }
      return JSON.readTree(text);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (java.io.IOException e) {
      throw new AssertionError("the server sent something that is not JSON", e);
    }
  }

  /** The next message, which must have this {@code type}. */
  JsonNode next(String type) {
    JsonNode node = next();
    assertThat(node.path("type").asText()).as("type of %s", node).isEqualTo(type);
    return node;
  }

  /** Sends {@code hello} and returns the {@code welcome}. */
  JsonNode hello(String name) {
    send("{\"type\":\"hello\",\"id\":\"h\",\"v\":1,\"name\":\"" + name + "\"}");
    return next("welcome");
  }

  /** The close code the server sent, waiting for it. */
  int awaitClose() {
    return closeCode.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
  }

  /** Whether the connection has ended (a close came or the socket failed). */
  boolean isClosed() {
    return closeCode.isDone();
  }

  /**
   * Waits until the server has sent at least {@code count} WebSocket pings (the JDK answers each with a
   * pong by itself).
   */
  void awaitPings(int count) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    synchronized (pingLock) {
      while (pings < count) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new AssertionError("only " + pings + " of " + count + " pings within " + TIMEOUT);
        }
        try {
          pingLock.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
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
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      synchronized (pingLock) {
        pings++;
        pingLock.notifyAll();
      }
      // As the default does; the JDK sends the pong itself.
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closeCode.complete(1006);
    }
  }
}
