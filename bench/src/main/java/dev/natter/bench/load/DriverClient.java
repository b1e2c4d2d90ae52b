package dev.natter.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * One chat connection of the driver over the JDK's WebSocket client, speaking the wire protocol itself:
 * {@link #connect} says {@code hello}, waits for {@code welcome}, joins its one room and waits for
 * {@code joined}. Afterwards it hands each {@code message}, {@code ok} and {@code error} to its
 * {@link Handler}, and ignores the rest (presence).
 *
 * <p>The JDK calls a WebSocket's listener one frame at a time, so a handler needs no lock for state it
 * keeps per client. Sending is for one thread at a time: the JDK refuses a second text while one is
 * being written, and {@link #send} waits for its text to be written.
 */
final class DriverClient implements WebSocket.Listener {
  /** Called on the client's receiving thread, one frame at a time per client. */
  interface Handler {
    /** A {@code message} event with text {@code text}. */
    void message(DriverClient client, String text);

    /** An {@code ok}: a send was stored. */
    void ok(DriverClient client);

    /** An {@code error} after the client joined. */
    void error(DriverClient client, String code, String message);

    /** The connection ended without the driver closing it. */
    void closed(DriverClient client, int code, String reason);
  }

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private final int index;
  private final String name;
  private final String room;
  private final Handler handler;
  private final CompletableFuture<Void> welcomed = new CompletableFuture<>();
  private final CompletableFuture<Void> joined = new CompletableFuture<>();
  private volatile CompletableFuture<Void> pong = new CompletableFuture<>();
  private volatile WebSocket socket;
  private volatile boolean closing;
  /** The parts of a text that arrives in several calls; only the receiving thread touches it. */
  private final StringBuilder parts = new StringBuilder();

  private DriverClient(int index, String name, String room, Handler handler) {
    this.index = index;
    this.name = name;
    this.room = room;
    this.handler = handler;
  }

  /**
   * Opens a connection, says {@code hello} as {@code name} and joins {@code room}; completes with the
   * client once {@code joined} came, or exceptionally with the refusal or the failure.
   */
  static CompletableFuture<DriverClient> connect(HttpClient http, URI uri, int index, String name, String room,
      Handler handler) {
    DriverClient client = new DriverClient(index, name, room, handler);
    String hello = "{\"type\":\"hello\",\"id\":\"h\",\"v\":1,\"name\":" + Json.quote(name) + "}";
    // limit 1: the driver's rooms are new, and their history is not what it measures
    String join = "{\"type\":\"join\",\"id\":\"j\",\"room\":" + Json.quote(room) + ",\"limit\":1}";
    return http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT).buildAsync(uri, client)
        .thenCompose(open -> open.sendText(hello, true))
        .thenCompose(open -> client.welcomed)
        .thenCompose(welcome -> client.socket.sendText(join, true))
        .thenCompose(open -> client.joined)
        .thenApply(ignored -> client);
  }

  /** The client's number in the run, from 0. */
  int index() {
    return index;
  }

  String name() {
    return name;
  }

  String room() {
    return room;
  }

  /**
   * Sends one text frame and waits until it is written; one thread at a time.
   *
   * @throws CompletionException when the connection failed
   */
  void send(String frame) {
    socket.sendText(frame, true).join();
  }

  /**
   * Sends a {@code ping} and completes at its {@code pong}. The server answers in order, so by then every
   * frame it queued for this client before the ping has arrived.
   */
  CompletableFuture<Void> ping() {
    CompletableFuture<Void> answered = new CompletableFuture<>();
    pong = answered;
    socket.sendText("{\"type\":\"ping\",\"id\":\"p\"}", true)
        .whenComplete((sent, failure) -> {
          if (failure != null) {
            answered.completeExceptionally(failure);
          }
        });
    return answered;
  }

  /** Closes with 1000 (ending the session at once); completes when the close frame is sent. */
  CompletableFuture<Void> close() {
    closing = true;
    WebSocket open = socket;
    if (open == null) {
      return CompletableFuture.completedFuture(null);
    }
    return open.sendClose(WebSocket.NORMAL_CLOSURE, "done").handle((sent, failure) -> null);
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    socket = webSocket;
    // Frames are handled as they come, on the receiving thread, so reading never runs ahead of the
    // handling: no need to ask for them one by one.
    webSocket.request(Long.MAX_VALUE);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    if (!last) {
      parts.append(data);
      return null;
    }
    CharSequence frame = data;
    if (parts.length() > 0) {
      frame = parts.append(data);
    }
    try {
      dispatch(frame);
    } catch (RuntimeException e) {
      handler.error(this, "driver", e.toString()); // counted, so that the run does not pass
    } finally {
      parts.setLength(0);
    }
    return null;
  }

  private void dispatch(CharSequence frame) {
    String[] f = Json.fields(frame.toString(), "type", "text", "code", "message");
    String type = f[0] == null ? "" : f[0];
    switch (type) {
      case "message" -> handler.message(this, f[1] == null ? "" : f[1]);
      case "ok" -> handler.ok(this);
      case "welcome" -> welcomed.complete(null);
      case "joined" -> joined.complete(null);
      case "pong" -> pong.complete(null);
      case "error" -> {
        String problem = name + ": " + f[2] + ": " + f[3];
        if (!joined.isDone()) {
          // a refused hello or join: the connection is of no use to the run
          fail(new IllegalStateException(problem));
        } else {
          handler.error(this, f[2], f[3]);
        }
      }
      default -> {
        // presence and anything newer: not what the driver measures
      }
    }
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    ended(statusCode, reason);
    return null; // the JDK answers the close
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    ended(-1, error.toString());
  }

  private void ended(int code, String reason) {
    fail(new IllegalStateException(name + ": connection closed: " + code + " " + reason));
    if (!closing) {
      handler.closed(this, code, reason);
    }
  }

  private void fail(Throwable problem) {
    welcomed.completeExceptionally(problem);
    joined.completeExceptionally(problem);
    pong.completeExceptionally(problem);
  }
}
