package dev.natter.chat.websocket;

import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.ServerTransportListener;
import dev.natter.chat.websocket.internal.RouteSpec;
import dev.natter.chat.websocket.internal.WebSocketServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The server side of the WebSocket transport: Tyrus on Grizzly, speaking the JSON protocol of
 * {@code docs/protocol.md} on one port, optionally serving static files (a chat page) on the same port.
 *
 * <pre>{@code
 * WebSocketServerTransport transport = WebSocketServerTransport.forPort(8080).build();
 * try (ChatServer server = ChatServer.builder(transport).build().start()) {
 *   System.out.println("listening on " + transport.uri());
 *   ...
 * }
 * }</pre>
 *
 * <p>The frame size limit ({@link dev.natter.chat.Limits#maxFrameBytes()}) comes from the server's
 * limits, so it is set in one place. Browsers may connect from the server's own origin and from
 * {@link Builder#allowedOrigins}; a handshake from any other origin is refused with HTTP 403. Idle
 * connections are pinged; one that answers nothing for {@link Builder#deadPeerTimeout} is dropped, and its
 * user leaves after the presence grace period. A connection that does not finish its HTTP request (the
 * WebSocket upgrade) within {@link Builder#handshakeTimeout} is closed.
 *
 * <p>Thread-safe. Started and closed by the {@link dev.natter.chat.ChatServer} it is given to.
 */
public final class WebSocketServerTransport implements ServerTransport {
  private final WebSocketServer server;

  private WebSocketServerTransport(Builder builder) {
    this.server = new WebSocketServer(builder.host, builder.port, builder.path, builder.allowedOrigins,
        builder.staticDirectory, builder.staticResources, builder.routes, builder.pingInterval,
        builder.deadPeerTimeout, builder.handshakeTimeout, builder.gatherWritesAbove);
  }

  /** A transport on {@code port} of 127.0.0.1; port 0 picks any free port ({@link #port()} tells). */
  public static Builder forPort(int port) {
    return new Builder("127.0.0.1", port);
  }

  /** A transport on {@code host}:{@code port}, for instance {@code 0.0.0.0} to accept remote clients. */
  public static Builder forAddress(String host, int port) {
    return new Builder(host, port);
  }

  /**
   * The port the server listens on: the bound one once started (also when built with port 0), the
   * configured one before.
   */
  public int port() {
    return server.port();
  }

  /** The WebSocket URI clients connect to, such as {@code ws://127.0.0.1:8080/chat}. */
  public URI uri() {
    return server.uri();
  }

  @Override
  public void start(ServerTransportListener listener) throws IOException {
    server.start(listener);
  }

  @Override
  public PreparedFrame prepare(ServerFrame frame) {
    return server.prepare(frame);
  }

  @Override
  public void stopAccepting() {
    server.stopAccepting();
  }

  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "WebSocketServerTransport[" + server.uri() + "]";
  }

  /** Builds a {@link WebSocketServerTransport}. Not thread-safe. */
  public static final class Builder {
    private final String host;
    private final int port;
    private String path = "/chat";
    private List<String> allowedOrigins = List.of();
    private Path staticDirectory;
    private String staticResources;
    private Duration pingInterval = Duration.ofSeconds(20);
    private Duration deadPeerTimeout = Duration.ofSeconds(60);
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private int gatherWritesAbove = 20_000;
    private final List<RouteSpec> routes = new ArrayList<>();

    private Builder(String host, int port) {
      this.host = Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0 to 65535: " + port);
      }
      this.port = port;
    }

    /** The WebSocket path. Default {@code /chat}. */
    public Builder path(String path) {
      Objects.requireNonNull(path, "path");
      if (!path.startsWith("/") || path.length() < 2) {
        throw new IllegalArgumentException("path must start with / and name something: " + path);
      }
      this.path = path;
      return this;
    }

    /**
     * Browser origins allowed besides the server's own, such as {@code https://chat.example.com};
     * matched exactly, ignoring case. Default: none.
     */
    public Builder allowedOrigins(List<String> origins) {
      this.allowedOrigins = List.copyOf(origins);
      return this;
    }

    /** Serves the files of a directory on the same port (a chat page). Default: none. */
    public Builder staticFiles(Path directory) {
      this.staticDirectory = Objects.requireNonNull(directory, "directory");
      this.staticResources = null;
      return this;
    }

    /**
     * Serves the class path folder {@code folder} (for instance {@code "web"}) on the same port.
     * Default: none.
     */
    public Builder staticResources(String folder) {
      Objects.requireNonNull(folder, "folder");
      this.staticResources = folder.endsWith("/") ? folder : folder + "/";
      this.staticDirectory = null;
      return this;
    }

    /**
     * Serves {@code route} for {@code method} requests to exactly {@code path} on the same port, such as
     * {@code route("POST", "/login", login)}. Other methods on that path get 405. See {@link HttpRoute}
     * for what the transport checks before calling it.
     */
    public Builder route(String method, String path, HttpRoute route) {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(route, "route");
      if (!method.matches("[A-Z]+")) {
        throw new IllegalArgumentException("not an HTTP method: " + method);
      }
      if (!path.startsWith("/") || path.length() < 2 || path.equals(this.path)) {
        throw new IllegalArgumentException("a route needs a path of its own, such as /login: " + path);
      }
      for (RouteSpec existing : routes) {
        if (existing.path().equals(path)) {
          throw new IllegalArgumentException("a route for " + path + " exists already");
        }
      }
      routes.add(new RouteSpec(method, path, route));
      return this;
    }

    /** How long a connection may be silent before it is pinged. Default 20 s. */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = positive(interval, "pingInterval");
      return this;
    }

    /** How long a silent connection that does not answer pings lives. Default 60 s. */
    public Builder deadPeerTimeout(Duration timeout) {
      this.deadPeerTimeout = positive(timeout, "deadPeerTimeout");
      return this;
    }

    /**
     * How long a new connection may take to send its whole HTTP request, the WebSocket upgrade or a
     * plain request (and how long a kept-alive HTTP connection may wait between requests); past it the
     * server closes the connection without an answer, so a client trickling its handshake cannot hold a
     * socket forever. The clock stops when the server answers; after the upgrade the server's
     * {@code hello} timeout and {@link #deadPeerTimeout} apply instead. Default 10 s.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = positive(timeout, "handshakeTimeout");
      return this;
    }

    /**
     * Above how many frames a second (all connections together) the server stops writing each frame to
     * its socket at once, and lets the socket's I/O thread gather the frames queued meanwhile into one
     * write. A write per frame is the quickest way out at a low rate; under load it costs a system call
     * and a wake-up of the receiver per frame, and gathering multiplies the throughput (see
     * {@code docs/benchmarks.md}). The rate is taken every 100 ms; frames go straight out again below
     * half the threshold. 0 gathers always, {@link Integer#MAX_VALUE} never. Default 20,000.
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder gatherWritesAbove(int framesPerSecond) {
      if (framesPerSecond < 0) {
        throw new IllegalArgumentException("gatherWritesAbove must not be negative: " + framesPerSecond);
      }
      this.gatherWritesAbove = framesPerSecond;
      return this;
    }

    /** Returns the transport, not yet started. */
    public WebSocketServerTransport build() {
      if (deadPeerTimeout.compareTo(pingInterval) <= 0) {
        throw new IllegalArgumentException("deadPeerTimeout must be longer than pingInterval");
      }
      return new WebSocketServerTransport(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return value;
    }
  }
}
