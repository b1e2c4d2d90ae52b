package dev.natter.chat.inmemory.internal;

import dev.natter.chat.Handshake;
import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerConnection;
import dev.natter.chat.spi.ServerConnectionListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Both ends of one in-memory connection. Each direction is a {@link Lane}: frames arrive asynchronously
 * and in order, and a close travels behind the frames queued before it, as on a socket. A client
 * listener that blocks stalls its lane, so the server sees a slow reader. The client transport's
 * {@link FaultPlan} may delay frames, hold the client's reading, or cut the connection.
 *
 * <p>Who closes decides what is lost. The server closing stops its own reading at once (its listener
 * hears the close right away, even from a client that stopped reading) while the close reaches the
 * client behind the frames sent before it. The client closing stops its own reading at once and its
 * close reaches the server behind its frames. A cut (a lost connection) discards whatever is still
 * under way in both directions and tells both sides 1006.
 */
public final class InMemoryConnection {
  private static final Runnable NOTHING = () -> {};

  private final Lane toClient;
  private final Lane toServer;
  private final FaultPlan faults;
  private final ClientConnectionListener clientListener;
  private final Handshake handshake;
  private final Consumer<InMemoryConnection> onServerEnd;
  private final AtomicBoolean serverNotified = new AtomicBoolean();
  private final AtomicBoolean clientNotified = new AtomicBoolean();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  /** Set once either side closed: no further frame is accepted from either. */
  private volatile boolean closing;
  // Guarded by this; the listener is also read without the lock once attached.
  private boolean clientClosed;
  private volatile ServerConnectionListener serverListener;
  private Runnable serverCloseBeforeAttach;

  private final ServerConnection serverSide = new ServerSide();
  private final ClientConnection clientSide = new ClientSide();

  /**
   * @param onServerEnd told once the server's listener heard the end
   */
  public InMemoryConnection(
      Executor pool,
      ScheduledExecutorService scheduler,
      FaultPlan faults,
      ClientConnectionListener clientListener,
      Handshake handshake,
      Consumer<InMemoryConnection> onServerEnd) {
    this.toClient = new Lane(pool, scheduler, faults::nextDelayToClient, faults::readingStalled);
    this.toServer = new Lane(pool, scheduler, faults::nextDelayToServer, () -> false);
    this.faults = faults;
    this.clientListener = clientListener;
    this.handshake = handshake;
    this.onServerEnd = onServerEnd;
    faults.opened(this);
  }

  /** The server's end. */
  public ServerConnection serverSide() {
    return serverSide;
  }

  /** The client's end. */
  public ClientConnection clientSide() {
    return clientSide;
  }

  /**
   * Connects the server's listener; frames from the client are delivered from then on, and a close that
   * came first (the server refusing the connection as it opened) is reported now.
   */
  public void attachServer(ServerConnectionListener listener) {
    Runnable pendingClose;
    synchronized (this) {
      serverListener = listener;
      pendingClose = serverCloseBeforeAttach;
    }
    if (pendingClose != null) {
      toServer.runNow(pendingClose);
    }
  }

  /**
   * Ends the connection at once on both sides with 1006, as a cut cable would; frames under way are lost.
   *
   * @return whether a side had not heard the end yet: false for a connection that had ended already
   */
  public boolean abort() {
    boolean open = !(serverNotified.get() && clientNotified.get());
    synchronized (this) {
      closing = true;
      clientClosed = true;
    }
    toClient.cut();
    toServer.cut();
    toServer.runNow(() -> notifyServer(CloseCodes.ABNORMAL, "connection lost"));
    toClient.runNow(() -> notifyClient(CloseCodes.ABNORMAL, "connection lost"));
    return open;
  }

  /** Whether either side began to close: its close is on its way, behind the frames sent before it. */
  public boolean isClosing() {
    return closing;
  }

  /** Completes once both sides heard the end. */
  public CompletableFuture<Void> ended() {
    return ended.copy();
  }

  /** The client reads again: deliver what was held. */
  void readingResumed() {
    toClient.pump();
  }

  private void notifyServer(int code, String reason) {
    ServerConnectionListener listener;
    synchronized (this) {
      listener = serverListener;
      if (listener == null) {
        if (serverCloseBeforeAttach == null) {
          serverCloseBeforeAttach = () -> notifyServer(code, reason);
        }
        return;
      }
    }
    if (serverNotified.compareAndSet(false, true)) {
      try {
        listener.closed(code, reason);
      } finally {
        onServerEnd.accept(this);
        endedOnBothSides();
      }
    }
  }

  private void notifyClient(int code, String reason) {
    if (clientNotified.compareAndSet(false, true)) {
      try {
        clientListener.closed(code, reason);
      } finally {
        endedOnBothSides();
      }
    }
  }

  private void endedOnBothSides() {
    if (serverNotified.get() && clientNotified.get() && ended.complete(null)) {
      faults.ended(this);
    }
  }

  private final class ServerSide implements ServerConnection {
    @Override
    public Handshake handshake() {
      return handshake;
    }

    @Override
    public void send(PreparedFrame frame, Runnable onDone) {
      if (closing) {
        onDone.run();
        return;
      }
      toClient.send(() -> {
        try {
          if (!clientNotified.get()) {
            clientListener.frameReceived(frame.frame());
          }
        } finally {
          onDone.run();
        }
      }, onDone);
    }

    @Override
    public void close(int code, String reason) {
      synchronized (InMemoryConnection.this) {
        if (closing) {
          return;
        }
        closing = true;
      }
      toClient.send(() -> notifyClient(code, reason), NOTHING);
      toServer.cut();
      toServer.runNow(() -> notifyServer(code, reason));
    }

    @Override
    public String toString() {
      return "InMemoryConnection[" + handshake.remoteAddress() + "]";
    }
  }

  private final class ClientSide implements ClientConnection {
    @Override
    public void send(ClientFrame frame) {
      if (closing) {
        return;
      }
      toServer.send(() -> {
        ServerConnectionListener listener = serverListener;
        if (!serverNotified.get() && listener != null) {
          listener.frameReceived(frame);
        }
      }, NOTHING);
    }

    /**
     * Also valid after the server closed, while its close is still held or delayed: the client stops
     * reading and hears its own close.
     */
    @Override
    public void close(int code, String reason) {
      boolean tellServer;
      synchronized (InMemoryConnection.this) {
        if (clientClosed) {
          return;
        }
        clientClosed = true;
        tellServer = !closing;
        closing = true;
      }
      toClient.cut();
      toClient.runNow(() -> notifyClient(code, reason));
      if (tellServer) {
        toServer.send(() -> notifyServer(code, reason), NOTHING);
      }
    }
  }
}
