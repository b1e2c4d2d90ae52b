package dev.natter.chat.websocket.internal;

import dev.natter.chat.Handshake;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerConnection;
import dev.natter.chat.spi.ServerConnectionListener;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One server-side WebSocket as the engine sees it. Sends are Tyrus's asynchronous writes (queued by
 * Grizzly in call order); the engine bounds how many are outstanding. The end is reported once, whether
 * the peer closed, we closed, or the peer stopped answering pings.
 */
final class SocketConnection implements ServerConnection {
  private static final System.Logger LOG = System.getLogger(SocketConnection.class.getName());

  private final Session session;
  private final Handshake handshake;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile ServerConnectionListener listener;
  /** When the peer last showed life (a message or a pong), for the heartbeat. */
  private volatile long lastSeenNanos = System.nanoTime();
  private volatile boolean pingOutstanding;

  SocketConnection(Session session, Handshake handshake) {
    this.session = session;
    this.handshake = handshake;
  }

  void attach(ServerConnectionListener listener) {
    this.listener = listener;
  }

  ServerConnectionListener listener() {
    return listener;
  }

  @Override
  public Handshake handshake() {
    return handshake;
  }

  @Override
  public void send(PreparedFrame frame, Runnable onDone) {
    if (closing.get() || ended.get()) {
      onDone.run();
      return;
    }
    try {
      session.getAsyncRemote().sendText(((EncodedFrame) frame).json(), result -> onDone.run());
    } catch (RuntimeException e) {
      // The socket went away under us; its close is on the way.
      onDone.run();
    }
  }

  @Override
  public void close(int code, String reason) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    try {
      session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing a socket failed; ending it", e);
      end(CloseCodes.ABNORMAL, "connection lost");
    }
  }

  /** Reports the end to the engine, once. */
  void end(int code, String reason) {
    if (ended.compareAndSet(false, true)) {
      ServerConnectionListener current = listener;
      if (current != null) {
        current.closed(code, reason == null ? "" : reason);
      }
    }
  }

  boolean isEnded() {
    return ended.get();
  }

  void sawLife() {
    lastSeenNanos = System.nanoTime();
    pingOutstanding = false;
  }

  /**
   * Called by the heartbeat: pings an idle peer, and drops one that has not shown life for
   * {@code deadAfterNanos}. Its session then waits out the presence grace period.
   */
  void heartbeat(long deadAfterNanos, long idleAfterNanos) {
    long silent = System.nanoTime() - lastSeenNanos;
    if (silent > deadAfterNanos) {
      end(CloseCodes.ABNORMAL, "no answer to pings");
      closing.set(true);
      try {
        session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "no answer to pings"));
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing a dead socket failed", e);
      }
      return;
    }
    if (silent > idleAfterNanos && !pingOutstanding) {
      pingOutstanding = true;
      try {
        session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "a ping failed", e);
      }
    }
  }

  @Override
  public String toString() {
    return "SocketConnection[" + handshake.remoteAddress() + "]";
  }
}
