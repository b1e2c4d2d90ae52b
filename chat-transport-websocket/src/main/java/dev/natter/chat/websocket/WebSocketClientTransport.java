package dev.natter.chat.websocket;

import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.websocket.internal.WebSocketClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of the WebSocket transport: each {@link #connect} opens a WebSocket to a Natter
 * server.
 *
 * <pre>{@code
 * ClientTransport transport = WebSocketClientTransport.forUri(URI.create("ws://127.0.0.1:8080/chat"))
 *     .connectTimeout(Duration.ofSeconds(5))
 *     .build();
 * try (ChatClient alice = ChatClient.builder(transport).name("alice").build()) {
 *   alice.connect().join();
 * }
 * }</pre>
 *
 * <p>Frames reach the client's listener on the socket's reading thread, in order: a listener that
 * blocks stops the reading, and the server then closes the connection as too slow (4009). Thread-safe.
 */
public final class WebSocketClientTransport implements ClientTransport {
  private final URI uri;
  private final WebSocketClient client;

  private WebSocketClientTransport(Builder builder) {
    this.uri = builder.uri;
    this.client = new WebSocketClient(builder.uri, builder.connectTimeout, builder.headers);
  }

  /** A transport to the server at {@code uri}, such as {@code ws://127.0.0.1:8080/chat}. */
  public static Builder forUri(URI uri) {
    return new Builder(uri);
  }

  /**
   * Opens a WebSocket. Fails with an {@link java.io.IOException} when the server cannot be reached,
   * refuses the handshake (a wrong path, a refused origin) or does not answer within the connect timeout.
   */
  @Override
  public CompletableFuture<ClientConnection> connect(ClientConnectionListener listener) {
    return client.connect(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public String toString() {
    return "WebSocketClientTransport[" + uri + "]";
  }

  /** Builds a {@link WebSocketClientTransport}. Not thread-safe. */
  public static final class Builder {
    private final URI uri;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    private Builder(URI uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("ws") && !scheme.equals("wss")) {
        throw new IllegalArgumentException("a WebSocket URI starts with ws:// or wss://: " + uri);
      }
    }

    /** How long opening a connection may take, handshake included. Default 10 s. */
    public Builder connectTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive");
      }
      this.connectTimeout = timeout;
      return this;
    }

    /** Adds a header to every handshake, such as {@code Authorization: Bearer ...}. */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      return this;
    }

    /** Returns the transport. */
    public WebSocketClientTransport build() {
      return new WebSocketClientTransport(this);
    }
  }
}
