package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.Handshake;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerConnection;
import dev.natter.chat.spi.ServerConnectionListener;
import dev.natter.chat.spi.ServerFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One fake client connection. What the engine sends is recorded in a queue that a test takes from with
 * a timeout; what the test feeds in goes to the engine's {@link ServerConnectionListener}.
 *
 * <p>A close by the engine is recorded and then reported back to the engine as {@code closed(code)}, as
 * a real transport does once the close handshake is over. A test ends a connection from the client's
 * side (a close frame, or a lost connection) with {@link #clientClose}.
 *
 * <p>When stalled ({@link #stall}), frames are still recorded but their {@code onDone} callbacks are
 * held, so the engine sees a client that does not read and its outbound queue fills.
 */
final class FakeConnection implements ServerConnection {
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** A close the engine asked for. */
  record Close(int code, String reason) {}

  private final String label;
  private final Handshake handshake;
  private final BlockingQueue<ServerFrame> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Close> closedByServer = new CompletableFuture<>();
  private final List<Runnable> held = new ArrayList<>();

  // Guarded by "this": the listener is called from one thread at a time, as the SPI promises.
  private ServerConnectionListener listener;
  private Close endToReport;
  private boolean endReported;

  private volatile boolean stalled;
  private volatile boolean gone;

  FakeConnection(String label) {
    this.label = label;
    this.handshake = Handshake.of("fake:" + label);
  }

  // ---- the engine's side ----

  @Override
  public Handshake handshake() {
    return handshake;
  }

  @Override
  public void send(PreparedFrame frame, Runnable onDone) {
    if (gone) {
      // Dropped because the connection closed; still done.
      onDone.run();
      return;
    }
    // Decided before the frame becomes visible, so a frame the test took before stalling is never held.
    boolean hold = stalled;
    frames.add(frame.frame());
    if (hold) {
      synchronized (held) {
        held.add(onDone);
      }
    } else {
      onDone.run();
    }
  }

  @Override
  public void close(int code, String reason) {
    Close close = new Close(code, reason);
    if (!closedByServer.complete(close)) {
      return;
    }
    gone = true;
    reportEnd(close);
  }

  /** The engine's listener for this connection, from {@code connectionOpened}. */
  synchronized void opened(ServerConnectionListener engineListener) {
    this.listener = engineListener;
    if (endToReport != null) {
      // The engine closed the connection before connectionOpened returned.
      reportEnd(endToReport);
    }
  }

  /** The transport itself closed (after the server released it). */
  void transportClosed() {
    gone = true;
  }

  private synchronized void reportEnd(Close close) {
    if (endReported) {
      return;
    }
    if (listener == null) {
      endToReport = close;
      return;
    }
    endReported = true;
    listener.closed(close.code(), close.reason());
  }

  // ---- the test's side ----

  /** A frame arrives from the client. Ignored once the connection ended, as a real transport would. */
  synchronized void receive(ClientFrame frame) {
    if (endReported || gone) {
      return;
    }
    listener.frameReceived(frame);
  }

  /**
   * The client ended the connection: a close frame with {@code code}, or 1006 for a connection lost
   * without one. The engine learns it through {@code closed(code)}.
   */
  void clientClose(int code) {
    gone = true;
    reportEnd(new Close(code, "closed by the client"));
  }

  /** Stops reading: frames are recorded but never reported as written. */
  void stall() {
    stalled = true;
  }

  /** The next frame the engine sent, waiting up to {@link #TIMEOUT}; fails when none came. */
  ServerFrame next() {
    try {
      ServerFrame frame = frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (frame == null) {
        throw new AssertionError(this + ": no frame arrived within " + TIMEOUT);
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The next frame, which must be of {@code type}. */
  <T extends ServerFrame> T next(Class<T> type) {
    ServerFrame frame = next();
    assertThat(frame).as("%s: the next frame", this).isInstanceOf(type);
    return type.cast(frame);
  }

  /** The frames received and not taken yet, without waiting. */
  List<ServerFrame> received() {
    return List.copyOf(frames);
  }

  /** Takes every frame received and not taken yet, without waiting. */
  List<ServerFrame> takeAll() {
    List<ServerFrame> taken = new ArrayList<>();
    frames.drainTo(taken);
    return taken;
  }

  /** The close the engine asked for, waiting up to {@link #TIMEOUT}; fails when it did not come. */
  Close awaitClose() {
    try {
      return closedByServer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(this + ": the server did not close the connection within " + TIMEOUT, e);
    } catch (ExecutionException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The close the engine asked for so far, or {@code null}. */
  Close closeSoFar() {
    return closedByServer.getNow(null);
  }

  @Override
  public String toString() {
    return "connection " + label;
  }
}
