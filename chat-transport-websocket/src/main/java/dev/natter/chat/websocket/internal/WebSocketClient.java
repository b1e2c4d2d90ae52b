package dev.natter.chat.websocket.internal;

import dev.natter.chat.internal.DaemonThreads;
import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ClientConnectionListener;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyClientContainer;

/**
 * Opens client WebSockets with Tyrus on a Grizzly transport shared by every client in the JVM, so a
 * thousand clients do not mean a thousand selector threads.
 */
public final class WebSocketClient {
  /** Server frames can hold a page of long messages: allow far more than a client ever sends. */
  private static final int MAX_SERVER_FRAME_BYTES = 16 * 1024 * 1024;
  /**
   * Reading threads shared by every client: a listener that blocks holds one, so there must be more
   * than a few.
   */
  private static final int MAX_READING_THREADS = 64;
  private static final ExecutorService CONNECTING =
      Executors.newCachedThreadPool(new DaemonThreads("natter-ws-connect"));

  private final URI uri;
  private final Duration connectTimeout;
  private final Map<String, List<String>> headers;
  private final JsonCodec codec = new JsonCodec(MAX_SERVER_FRAME_BYTES);

  public WebSocketClient(URI uri, Duration connectTimeout, Map<String, List<String>> headers) {
    this.uri = uri;
    this.connectTimeout = connectTimeout;
    this.headers = Map.copyOf(headers);
  }

  /**
   * Opens a connection; fails with an {@link IOException} when it is not open, handshake included,
   * within the connect timeout. The deadline is kept here: Tyrus's own handshake timeout did not end an
   * attempt stuck on a server that accepted the TCP connection but never answered (a reliability
   * scenario found a 30 s wait). An attempt that succeeds after its deadline is closed at once.
   */
  public CompletableFuture<ClientConnection> connect(ClientConnectionListener listener) {
    CompletableFuture<ClientConnection> result = new CompletableFuture<>();
    CompletableFuture.supplyAsync(() -> {
      ClientSocket socket = new ClientSocket(listener, codec, MAX_SERVER_FRAME_BYTES);
      try {
        manager().connectToServer(socket, config(), uri);
        return socket;
      } catch (DeploymentException | IOException e) {
        throw new CompletionException(new IOException("could not connect to " + uri + ": " + e.getMessage(), e));
      }
    }, CONNECTING).whenComplete((socket, error) -> {
      if (error != null) {
        result.completeExceptionally(error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error);
      } else if (!result.complete(socket)) {
        socket.close(CloseCodes.GOING_AWAY, "connect timed out");
      }
    });
    CompletableFuture.runAsync(() -> result.completeExceptionally(new IOException(
            "could not connect to " + uri + " within " + connectTimeout.toMillis() + " ms")),
        CompletableFuture.delayedExecutor(connectTimeout.toMillis(), TimeUnit.MILLISECONDS, CONNECTING));
    return result;
  }

  private ClientManager manager() {
    ClientManager manager = ClientManager.createClient(GrizzlyClientContainer.class.getName());
    Map<String, Object> properties = manager.getProperties();
    properties.put(ClientProperties.SHARED_CONTAINER, true);
    properties.put(ClientProperties.HANDSHAKE_TIMEOUT, connectTimeout.toMillis());
    properties.put(ClientProperties.INCOMING_BUFFER_SIZE, MAX_SERVER_FRAME_BYTES + 1024);
    properties.put(ClientProperties.WORKER_THREAD_POOL_CONFIG,
        ThreadPoolConfig.defaultConfig().setMaxPoolSize(MAX_READING_THREADS).setDaemon(true));
    return manager;
  }

  private ClientEndpointConfig config() {
    return ClientEndpointConfig.Builder.create()
        .configurator(new ClientEndpointConfig.Configurator() {
          @Override
          public void beforeRequest(Map<String, List<String>> request) {
            // Tyrus sends an Origin made from the URI, as a browser would. This client is no browser:
            // an Origin would only get it refused when it reaches the server through a proxy or a load
            // balancer, whose address is not the server's own. A caller may still set one.
            request.keySet().removeIf(name -> name.equalsIgnoreCase("Origin"));
            headers.forEach((name, values) -> request.put(name, new ArrayList<>(values)));
          }
        })
        .build();
  }
}
