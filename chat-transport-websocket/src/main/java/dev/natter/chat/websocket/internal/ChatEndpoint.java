package dev.natter.chat.websocket.internal;

import dev.natter.chat.Handshake;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ServerTransportListener;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.glassfish.grizzly.Connection;
import org.glassfish.tyrus.core.TyrusSession;

/**
 * The one server endpoint: turns Tyrus's callbacks into the SPI's. Text messages are decoded (never
 * throwing) and handed to the engine; binary messages close with 1003. Messages past the frame limit
 * (1009) and broken frame headers (1002) never get here: {@link MessageSizeFilter} closes those
 * connections first. Public only because Tyrus calls it reflectively.
 */
@SuppressWarnings("exports") // internal: Tyrus types are fine here, never in the public API
public final class ChatEndpoint extends Endpoint {
  /**
   * Tyrus's "no idle timeout". With the default 0 Tyrus still schedules, and cancels, an idle-timeout
   * task on every frame sent or received (a profile showed it at 4% of the server's time); a negative
   * value skips that. Liveness is the heartbeat's job.
   */
  static final long NO_IDLE_TIMEOUT = -1;

  private static final System.Logger LOG = System.getLogger(ChatEndpoint.class.getName());
  private static final String HANDSHAKE_HEADERS = "natter.handshake.headers";
  private static final String RAW_CONNECTION = "natter.raw.connection";

  private final ServerTransportListener engine;
  private final JsonCodec codec;
  private final int maxFrameBytes;
  private final Set<SocketConnection> open;
  /** Every connection whose socket may still be open; each leaves when its socket closes. */
  private final Set<SocketConnection> sockets;
  private final CredentialVault vault;
  private final RawSockets rawSockets;
  private final SocketWrites writes;
  private final ScheduledExecutorService timers;

  ChatEndpoint(ServerTransportListener engine, JsonCodec codec, int maxFrameBytes, CredentialVault vault,
      RawSockets rawSockets, SocketWrites writes, ScheduledExecutorService timers) {
    this.vault = vault;
    this.writes = writes;
    this.timers = timers;
    this.rawSockets = rawSockets;
    this.engine = engine;
    this.codec = codec;
    this.maxFrameBytes = maxFrameBytes;
    this.open = ConcurrentHashMap.newKeySet();
    this.sockets = ConcurrentHashMap.newKeySet();
  }

  /** The configuration Tyrus deploys: this endpoint at {@code path}, origins checked by {@code origins}. */
  ServerEndpointConfig config(String path, OriginGate origins) {
    ChatEndpoint endpoint = this;
    return ServerEndpointConfig.Builder.create(ChatEndpoint.class, path)
        .configurator(new ServerEndpointConfig.Configurator() {
          @Override
          public boolean checkOrigin(String origin) {
            return origins.allows(origin);
          }

          @Override
          public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request,
              HandshakeResponse response) {
            // Tyrus gives each handshake its own copy of the user properties; never throw here.
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            try {
              headers.putAll(request.getHeaders());
              List<String> ticket = headers.remove(CredentialVault.TICKET_HEADER);
              headers.putAll(vault.redeem(ticket == null || ticket.isEmpty() ? null : ticket.get(0)));
              List<String> raw = headers.remove(RawSockets.TICKET_HEADER);
              Connection<?> connection = rawSockets.redeem(raw == null || raw.isEmpty() ? null : raw.get(0));
              if (connection != null) {
                config.getUserProperties().put(RAW_CONNECTION, connection);
              }
            } catch (RuntimeException e) {
              LOG.log(System.Logger.Level.WARNING, "could not read a handshake's headers", e);
            }
            config.getUserProperties().put(HANDSHAKE_HEADERS, Map.copyOf(headers));
          }

          @Override
          public <T> T getEndpointInstance(Class<T> endpointClass) {
            return endpointClass.cast(endpoint);
          }
        })
        .build();
  }

  /**
   * Whether a connection closed (or closing) as the engine sees it still has its socket open: its
   * client has not yet answered the close.
   */
  boolean socketsClosing() {
    for (SocketConnection connection : sockets) {
      if (connection.socketOpen()) {
        return true;
      }
    }
    return false;
  }

  /** The open connections, for the heartbeat and for closing. */
  Set<SocketConnection> openConnections() {
    return open;
  }

  @Override
  public void onOpen(Session session, EndpointConfig config) {
    session.setMaxTextMessageBufferSize(maxFrameBytes);
    session.setMaxBinaryMessageBufferSize(maxFrameBytes);
    session.setMaxIdleTimeout(NO_IDLE_TIMEOUT);
    Object raw = config.getUserProperties().get(RAW_CONNECTION);
    SocketConnection connection = new SocketConnection(session, handshake(session, config),
        raw instanceof Connection<?> grizzly ? grizzly : null, writes, timers);
    session.getUserProperties().put(SocketConnection.class.getName(), connection);
    open.add(connection);
    sockets.add(connection);
    connection.whenSocketClosed(() -> sockets.remove(connection));
    connection.attach(engine.connectionOpened(connection));
    session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
      connection.sawLife();
      ClientFrame frame = codec.decodeClientFrame(text);
      connection.listener().frameReceived(frame);
    });
    session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) bytes ->
        connection.close(CloseCodes.UNSUPPORTED_DATA, "binary messages are not supported"));
    session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong ->
        connection.sawLife());
  }

  @Override
  public void onClose(Session session, CloseReason reason) {
    SocketConnection connection = connectionOf(session);
    if (connection != null) {
      open.remove(connection);
      connection.end(reason.getCloseCode().getCode(), reason.getReasonPhrase());
    }
  }

  @Override
  public void onError(Session session, Throwable error) {
    LOG.log(System.Logger.Level.DEBUG, "socket error", error);
    if (error instanceof IOException) {
      SocketConnection connection = connectionOf(session);
      if (connection != null) {
        open.remove(connection);
        connection.end(CloseCodes.ABNORMAL, "connection lost");
      }
    }
  }

  private static SocketConnection connectionOf(Session session) {
    return (SocketConnection) session.getUserProperties().get(SocketConnection.class.getName());
  }

  @SuppressWarnings("unchecked")
  private static Handshake handshake(Session session, EndpointConfig config) {
    Object headers = config.getUserProperties().get(HANDSHAKE_HEADERS);
    Map<String, List<String>> map = headers instanceof Map<?, ?> m ? (Map<String, List<String>>) m : Map.of();
    String remote = session instanceof TyrusSession tyrus ? tyrus.getRemoteAddr() : "unknown";
    Handshake handshake = new Handshake(remote == null ? "unknown" : remote, map, null);
    return new Handshake(handshake.remoteAddress(), handshake.headers(), handshake.header("origin"));
  }

  /** Decides whether a browser origin may connect. */
  interface OriginGate {
    boolean allows(String origin);
  }
}
