package dev.natter.chat.websocket.internal;

import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ServerFrame;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client WebSocket: decodes the server's frames for the listener (on Tyrus's reading thread, so a
 * slow listener slows the reading, as it should) and encodes the client's.
 */
final class ClientSocket extends Endpoint implements ClientConnection {
  private static final System.Logger LOG = System.getLogger(ClientSocket.class.getName());
  /** Close code for a frame the client cannot understand (RFC 6455: protocol error). */
  private static final int PROTOCOL_ERROR = 1002;

  private final ClientConnectionListener listener;
  private final JsonCodec codec;
  private final int maxFrameBytes;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Session session;

  ClientSocket(ClientConnectionListener listener, JsonCodec codec, int maxFrameBytes) {
    this.listener = listener;
    this.codec = codec;
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public void onOpen(Session opened, EndpointConfig config) {
    this.session = opened;
    opened.setMaxTextMessageBufferSize(maxFrameBytes);
    opened.setMaxIdleTimeout(ChatEndpoint.NO_IDLE_TIMEOUT);
    opened.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::received);
  }

  private void received(String text) {
    if (ended.get()) {
      return;
    }
    ServerFrame frame;
    try {
      frame = codec.decodeServerFrame(text);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the server sent a frame this client cannot read: {0}",
          e.getMessage());
      close(PROTOCOL_ERROR, "unreadable frame");
      return;
    }
    listener.frameReceived(frame);
  }

  @Override
  public void onClose(Session closed, CloseReason reason) {
    end(reason.getCloseCode().getCode(), reason.getReasonPhrase());
  }

  @Override
  public void onError(Session failed, Throwable error) {
    LOG.log(System.Logger.Level.DEBUG, "socket error", error);
    if (error instanceof IOException) {
      end(CloseCodes.ABNORMAL, "connection lost");
    }
  }

  @Override
  public void send(ClientFrame frame) {
    Session open = session;
    if (open == null || ended.get()) {
      return;
    }
    try {
      open.getAsyncRemote().sendText(codec.encode(frame));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "a send failed; the close is on its way", e);
    }
  }

  @Override
  public void close(int code, String reason) {
    Session open = session;
    if (open == null || ended.get()) {
      return;
    }
    try {
      open.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
    } catch (IOException | RuntimeException e) {
      end(CloseCodes.ABNORMAL, "connection lost");
    }
  }

  private void end(int code, String reason) {
    if (ended.compareAndSet(false, true)) {
      listener.closed(code, reason == null ? "" : reason);
    }
  }
}
