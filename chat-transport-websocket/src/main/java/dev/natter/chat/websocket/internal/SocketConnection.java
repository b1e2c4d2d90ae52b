package dev.natter.chat.websocket.internal;

import dev.natter.chat.Handshake;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerConnection;
import dev.natter.chat.spi.ServerConnectionListener;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.asyncqueue.WritableMessage;
import org.glassfish.grizzly.nio.transport.TCPNIOConnection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.memory.Buffers;

/**
 * One server-side WebSocket as the engine sees it. Sends write each frame's bytes, encoded once for all
 * recipients ({@link EncodedFrame#wire()}), straight to the Grizzly connection, whose write queue keeps
 * call order; {@link SocketWrites} decides whether they go out at once or gathered with the others
 * queued meanwhile. Tyrus's own frames (pings, the close) go through the same queue, between whole
 * frames, and a close waits for the frames queued before it. Without the connection (never expected)
 * sends are Tyrus's {@code sendText}. The engine bounds how many sends are outstanding. The end is
 * reported once, whether the peer closed, we closed, or the peer stopped answering pings.
 */
final class SocketConnection implements ServerConnection {
  private static final System.Logger LOG = System.getLogger(SocketConnection.class.getName());
  /** How long a close waits for the frames queued before it. */
  static final long DRAIN_MILLIS = 5_000;

  private final Session session;
  private final Handshake handshake;
  /** The socket under the WebSocket; {@code null} if not known. */
  private final TCPNIOConnection raw;
  private final SocketWrites writes;
  private final ScheduledExecutorService timers;
  /** Frames handed to the socket's write queue and not yet written (or failed). */
  private final AtomicInteger unwritten = new AtomicInteger();
  /** The close asked for, kept while queued frames drain; see {@link #close}. */
  private volatile CloseReason drainingClose;
  private final AtomicBoolean closeSent = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile ServerConnectionListener listener;
  /** When the peer last showed life (a message or a pong), for the heartbeat. */
  private volatile long lastSeenNanos = System.nanoTime();
  private volatile boolean pingOutstanding;

  SocketConnection(Session session, Handshake handshake, Connection<?> raw, SocketWrites writes,
      ScheduledExecutorService timers) {
    this.timers = timers;
    this.session = session;
    this.handshake = handshake;
    this.raw = raw instanceof TCPNIOConnection tcp ? tcp : null;
    this.writes = writes;
  }

  /** Whether the socket under this WebSocket is still open; false when it is not known. */
  boolean socketOpen() {
    return raw != null && raw.isOpen();
  }

  /** Runs {@code action} once the socket has closed (at once if it is closed or not known). */
  void whenSocketClosed(Runnable action) {
    if (raw == null) {
      action.run();
      return;
    }
    raw.closeFuture().addCompletionHandler(new EmptyCompletionHandler<org.glassfish.grizzly.CloseReason>() {
      @Override
      public void completed(org.glassfish.grizzly.CloseReason reason) {
        action.run();
      }

      @Override
      public void failed(Throwable error) {
        action.run();
      }
    });
    if (!raw.isOpen()) {
      action.run();
    }
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
    EncodedFrame encoded = (EncodedFrame) frame;
    try {
      if (raw != null) {
        write(Buffers.wrap(raw.getMemoryManager(), encoded.wire()), onDone);
      } else {
        session.getAsyncRemote().sendText(encoded.json(), result -> onDone.run());
      }
    } catch (RuntimeException e) {
      // The socket went away under us; its close is on the way.
      onDone.run();
    }
  }

  /**
   * Queues {@code bytes} on the socket's write queue ({@link SocketWrites} decides whether they go out at
   * once or gathered with others); {@code onDone} runs once they are written, or cannot be. Straight to
   * the transport's queue, as the chain's last filter would: the filters above it
   * (HTTP, Tyrus) have nothing to do with a frame already encoded, and walking them cost a tenth of the
   * server's time. Tyrus's own frames take the chain down to the same queue, so call order is kept.
   * (A TLS filter in the chain would need them to walk it; this server has none.)
   */
  private void write(Buffer bytes, Runnable onDone) {
    unwritten.incrementAndGet();
    writes.write(raw, bytes, new EmptyCompletionHandler<WriteResult<WritableMessage, SocketAddress>>() {
      @Override
      public void completed(WriteResult<WritableMessage, SocketAddress> result) {
        written(onDone);
      }

      @Override
      public void failed(Throwable error) {
        written(onDone);
      }

      @Override
      public void cancelled() {
        written(onDone);
      }
    });
  }

  private void written(Runnable onDone) {
    onDone.run();
    if (unwritten.decrementAndGet() == 0 && drainingClose != null) {
      // Not from inside Grizzly's write completion: a close begun there, re-entering the same
      // connection's writer, could end the connection ahead of its own close frame.
      try {
        timers.execute(this::sendClose);
      } catch (RejectedExecutionException stopped) {
        sendClose();
      }
    }
  }

  /**
   * Closes after the frames already queued are written: Tyrus ends the TCP connection soon after its
   * close frame, and frames still in the socket's write queue then (under load, when writes are
   * gathered, a burst of them) would be lost; a shutting-down server's last acknowledgements among them.
   * Bounded by {@link #DRAIN_MILLIS}. A slow consumer is closed at once: its queue is what is wrong.
   */
  @Override
  public void close(int code, String reason) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    drainingClose = new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason);
    if (code == CloseCodes.SLOW_CONSUMER || unwritten.get() == 0) {
      sendClose();
      return;
    }
    try {
      timers.schedule(this::sendClose, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopped) {
      sendClose(); // the server is stopping: no time to wait
    }
    if (unwritten.get() == 0) {
      sendClose(); // the last write finished before drainingClose was visible to it
    }
  }

  private void sendClose() {
    if (!closeSent.compareAndSet(false, true)) {
      return;
    }
    // A slow consumer's queue will not drain: Tyrus's close cuts it at once, as it should.
    if (raw != null && drainingClose.getCloseCode().getCode() != CloseCodes.SLOW_CONSUMER) {
      closeSocket(drainingClose);
      return;
    }
    try {
      session.close(drainingClose);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing a socket failed; ending it", e);
      end(CloseCodes.ABNORMAL, "connection lost");
    }
  }

  /**
   * Writes the close frame behind the frames queued, then ends only our side of the socket and lets the
   * client answer: Tyrus's own close ends the whole socket right after its close frame, and a socket
   * ended while the client's bytes are still arriving is reset by the kernel, which makes the client's
   * kernel drop what it had not read yet (the last acks and messages, and the close frame). The
   * client's answering close reaches Tyrus, which then reports the end; a client that does not answer
   * within {@link MessageSizeFilter#LINGER_MILLIS} of the close frame, or whose close frame cannot be
   * written, is cut.
   */
  private void closeSocket(CloseReason reason) {
    byte[] frame = MessageSizeFilter.closeFrame(reason.getCloseCode().getCode(), shortAscii(reason.getReasonPhrase()));
    try {
      // Also the bound for a close frame that cannot be written (a client that stopped reading).
      timers.schedule(raw::closeSilently, DRAIN_MILLIS + MessageSizeFilter.LINGER_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopped) {
      raw.closeSilently();
      return;
    }
    writes.write(raw, Buffers.wrap(raw.getMemoryManager(), frame),
        new EmptyCompletionHandler<WriteResult<WritableMessage, SocketAddress>>() {
          @Override
          public void completed(WriteResult<WritableMessage, SocketAddress> result) {
            try {
              ((java.nio.channels.SocketChannel) raw.getChannel()).shutdownOutput();
              timers.schedule(raw::closeSilently, MessageSizeFilter.LINGER_MILLIS, TimeUnit.MILLISECONDS);
            } catch (IOException | RuntimeException e) { // closed meanwhile, or the server is stopping
              raw.closeSilently();
            }
          }

          @Override
          public void failed(Throwable error) {
            raw.closeSilently();
          }
        });
  }

  // A close frame's reason: at most 123 bytes; the engine's reasons are short English.
  private static String shortAscii(String reason) {
    String ascii = reason == null ? "" : reason.replaceAll("[^\\x20-\\x7e]", "?");
    return ascii.length() <= 123 ? ascii : ascii.substring(0, 123);
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
