package dev.natter.chat.websocket.internal;

import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.spi.ServerTransportListener;
import dev.natter.chat.internal.DaemonThreads;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.server.CLStaticHttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.StaticHttpHandler;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;

/**
 * The Grizzly HTTP server with Tyrus plugged in, bound to the configured host (Tyrus's own container
 * would bind 0.0.0.0), with the optional static files on the same port, a heartbeat for idle
 * connections and a deadline for handshakes.
 */
public final class WebSocketServer {
  /** The most bytes one read from a socket hands on; bounds what Tyrus must buffer beyond a frame. */
  private static final int READ_BUFFER_BYTES = 64 * 1024;
  /** How often the send rate that chooses how frames are written ({@link SocketWrites}) is taken. */
  private static final long WRITE_RATE_EVERY_MILLIS = 100;
  /** How long closing the server waits for sockets that are closing to finish (see awaitSocketsClosed). */
  static final long CLOSE_GRACE_MILLIS = 2_000;
  /**
   * Tyrus's per-connection buffer must hold a partial legal frame (its header included) plus one read,
   * or it overflows and closes with 1011. {@link MessageSizeFilter} keeps frames within the limit.
   */
  private static final int INCOMING_BUFFER_HEADROOM = 14 + READ_BUFFER_BYTES + 1024;

  private final String host;
  private final int configuredPort;
  private final String path;
  private final List<String> allowedOrigins;
  private final Path staticDirectory;
  private final String staticResources;
  private final List<RouteSpec> routes;
  private final ClassLoader resourceLoader;
  private final Duration pingInterval;
  private final Duration deadPeerTimeout;
  private final Duration handshakeTimeout;
  private final int gatherWritesAbove;

  private volatile HttpServer http;
  private volatile NetworkListener listener;
  private volatile TyrusContainer container;
  private volatile ChatEndpoint endpoint;
  private volatile JsonCodec codec;
  private volatile OriginPolicy origins;
  private volatile boolean accepting;
  private ScheduledExecutorService heartbeat;
  private volatile SocketWrites writes;
  private ScheduledThreadPoolExecutor timers;

  public WebSocketServer(String host, int port, String path, List<String> allowedOrigins,
      Path staticDirectory, String staticResources, List<RouteSpec> routes, Duration pingInterval,
      Duration deadPeerTimeout, Duration handshakeTimeout, int gatherWritesAbove) {
    this.routes = List.copyOf(routes);
    this.host = host;
    this.configuredPort = port;
    this.path = path;
    this.allowedOrigins = allowedOrigins;
    this.staticDirectory = staticDirectory;
    this.staticResources = staticResources;
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    this.resourceLoader = context != null ? context : WebSocketServer.class.getClassLoader();
    this.pingInterval = pingInterval;
    this.deadPeerTimeout = deadPeerTimeout;
    this.handshakeTimeout = handshakeTimeout;
    this.gatherWritesAbove = gatherWritesAbove;
  }

  public synchronized void start(ServerTransportListener engine) throws IOException {
    if (http != null) {
      throw new IllegalStateException("already started");
    }
    if (staticDirectory != null && !Files.isDirectory(staticDirectory)) {
      throw new IOException("not a directory: " + staticDirectory);
    }
    int maxFrameBytes = engine.limits().maxFrameBytes();
    codec = new JsonCodec(maxFrameBytes);
    container = new TyrusContainer(maxFrameBytes + INCOMING_BUFFER_HEADROOM);
    HttpServer server = new HttpServer();
    NetworkListener network = new NetworkListener("natter", host, configuredPort);
    CredentialVault vault = new CredentialVault();
    RawSockets rawSockets = new RawSockets();
    writes = new SocketWrites(network.getTransport(), gatherWritesAbove);
    // One timer thread: handshake deadlines, connections that linger after a close, closes waiting for
    // queued frames; cancelled tasks are dropped from the queue at once.
    timers = new ScheduledThreadPoolExecutor(1, new DaemonThreads("natter-ws-timers"));
    timers.setRemoveOnCancelPolicy(true);
    endpoint = new ChatEndpoint(engine, codec, maxFrameBytes, vault, rawSockets, writes, timers);
    try {
      container.register(endpoint.config(path, this::admits));
    } catch (DeploymentException e) {
      timers.shutdownNow();
      throw new IOException("could not deploy the chat endpoint at " + path, e);
    }

    network.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
    network.getTransport().setReadBufferSize(READ_BUFFER_BYTES);
    // WebSocket connections live long; the heartbeat, not an HTTP keep-alive timer, ends dead ones.
    network.getKeepAlive().setIdleTimeoutInSeconds(-1);
    network.registerAddOn(HandshakeTimeoutFilter.addOn(handshakeTimeout, timers));
    // Added before Tyrus's, so they sit before it in the chain (each goes before the HTTP handlers).
    // The same timer ends connections closed for a broken or oversized frame whose peer lingers.
    network.registerAddOn(MessageSizeFilter.addOn(maxFrameBytes, timers));
    network.registerAddOn(OriginFilter.addOn(this::admits));
    network.registerAddOn(UpgradeHeadersFilter.addOn());
    network.registerAddOn(CredentialFilter.addOn(vault));
    network.registerAddOn(rawSockets.addOn());
    network.registerAddOn(new WebSocketAddOn(container, ""));
    server.addListener(network);
    for (RouteSpec route : routes) {
      server.getServerConfiguration().addHttpHandler(
          new RouteHandler(route.method(), route.route(), this::admits), route.path());
    }
    if (staticDirectory != null) {
      server.getServerConfiguration().addHttpHandler(new StaticHttpHandler(staticDirectory.toString()), "/");
    } else if (staticResources != null) {
      server.getServerConfiguration().addHttpHandler(
          new CLStaticHttpHandler(resourceLoader, "/" + staticResources), "/");
    }
    try {
      server.start();
    } catch (IOException e) {
      server.shutdownNow();
      timers.shutdownNow();
      container.stop();
      throw new IOException("could not listen on " + host + ":" + configuredPort + ": " + e.getMessage(), e);
    }
    listener = network;
    http = server;
    origins = OriginPolicy.forServer(host, network.getPort(), allowedOrigins);
    accepting = true;
    heartbeat = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("natter-ws-heartbeat"));
    long every = Math.max(10, pingInterval.toMillis() / 2);
    heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    SocketWrites socketWrites = writes;
    heartbeat.scheduleWithFixedDelay(() -> socketWrites.measure(System.nanoTime()),
        WRITE_RATE_EVERY_MILLIS, WRITE_RATE_EVERY_MILLIS, TimeUnit.MILLISECONDS);
  }

  // Before start() completes nothing is admitted; after stopAccepting() neither.
  private boolean admits(String origin) {
    OriginPolicy policy = origins;
    return accepting && policy != null && policy.allows(origin);
  }

  public PreparedFrame prepare(ServerFrame frame) {
    return EncodedFrame.encode(codec, frame);
  }

  /** Closes the listening socket; open connections stay until the engine closes them. */
  public void stopAccepting() {
    accepting = false;
    NetworkListener network = listener;
    if (network != null) {
      network.getTransport().unbindAll();
    }
  }

  public synchronized void close() {
    accepting = false;
    if (endpoint != null) {
      awaitSocketsClosed();
    }
    if (heartbeat != null) {
      heartbeat.shutdownNow();
    }
    if (timers != null) {
      timers.shutdownNow();
    }
    if (http != null) {
      http.shutdownNow();
    }
    if (endpoint != null) {
      // Connections cut by the shutdown may not see Tyrus's onClose: report their end ourselves.
      for (SocketConnection connection : List.copyOf(endpoint.openConnections())) {
        connection.end(dev.natter.chat.spi.CloseCodes.ABNORMAL, "server stopped");
      }
    }
    if (container != null) {
      container.stop();
    }
  }

  /**
   * Gives the sockets whose close frame is on its way up to {@link #CLOSE_GRACE_MILLIS} to finish the
   * closing handshake: the client answers with its own close and the socket ends cleanly. Cut at once,
   * a socket with bytes of the client's still unread (a client sending flat out) is reset by the
   * kernel, and a reset makes the client's kernel drop what it had not read yet: the last acks and
   * messages, and the close frame itself.
   */
  private void awaitSocketsClosed() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_GRACE_MILLIS);
    try {
      while (endpoint.socketsClosing() && System.nanoTime() < deadline) {
        Thread.sleep(5); // a poll bounded by the deadline; Grizzly has no future for "all closed"
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public int port() {
    NetworkListener network = listener;
    return network != null ? network.getPort() : configuredPort;
  }

  public URI uri() {
    String shown = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return URI.create("ws://" + shown + ":" + port() + path);
  }

  private void beat() {
    long dead = deadPeerTimeout.toNanos();
    long idle = pingInterval.toNanos();
    for (SocketConnection connection : endpoint.openConnections()) {
      connection.heartbeat(dead, idle);
      if (connection.isEnded()) {
        endpoint.openConnections().remove(connection);
      }
    }
  }
}
