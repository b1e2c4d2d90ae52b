package dev.natter.chat.inmemory.internal;

import dev.natter.chat.Handshake;
import dev.natter.chat.internal.SerialExecutor;
import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerConnection;
import dev.natter.chat.spi.ServerConnectionListener;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Both ends of one in-memory connection. Each direction is an ordered lane on a shared pool: frames
 * arrive asynchronously and in order, and a close travels behind the frames queued before it, as on a
 * socket. A client listener that blocks stalls its lane, so the server sees a slow reader.
 */
public final class InMemoryConnection {
  private final SerialExecutor toClient;
  private final SerialExecutor toServer;
  private final ClientConnectionListener clientListener;
  private final Handshake handshake;
  private final Consumer<InMemoryConnection> onEnd;
  private final AtomicBoolean serverNotified = new AtomicBoolean();
  private final AtomicBoolean clientNotified = new AtomicBoolean();
  private volatile ServerConnectionListener serverListener;
  /** Set once either side closed: no further frame is accepted from either. */
  private volatile boolean closing;

  private final ServerConnection serverSide = new ServerSide();
  private final ClientConnection clientSide = new ClientSide();

  public InMemoryConnection(
      Executor pool,
      ClientConnectionListener clientListener,
      Handshake handshake,
      Consumer<InMemoryConnection> onEnd) {
    this.toClient = new SerialExecutor(pool);
    this.toServer = new SerialExecutor(pool);
    this.clientListener = clientListener;
    this.handshake = handshake;
    this.onEnd = onEnd;
  }

  /** The server's end. */
  public ServerConnection serverSide() {
    return serverSide;
  }

  /** The client's end. */
  public ClientConnection clientSide() {
    return clientSide;
  }

  /** Connects the server's listener; frames from the client are delivered from then on. */
  public void attachServer(ServerConnectionListener listener) {
    this.serverListener = listener;
  }

  /** Ends the connection at once on both sides with 1006, as a cut cable would. */
  public void abort() {
    end(CloseCodes.ABNORMAL, "connection lost", CloseCodes.ABNORMAL, "connection lost");
  }

  private void end(int serverCode, String serverReason, int clientCode, String clientReason) {
    closing = true;
    toServer.execute(() -> {
      if (serverNotified.compareAndSet(false, true)) {
        serverListener.closed(serverCode, serverReason);
        onEnd.accept(this);
      }
    });
    toClient.execute(() -> {
      if (clientNotified.compareAndSet(false, true)) {
        clientListener.closed(clientCode, clientReason);
      }
    });
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
      toClient.execute(() -> {
        try {
          if (!clientNotified.get()) {
            clientListener.frameReceived(frame.frame());
          }
        } finally {
          onDone.run();
        }
      });
    }

    @Override
    public void close(int code, String reason) {
      if (!closing) {
        end(code, reason, code, reason);
      }
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
      toServer.execute(() -> {
        if (!serverNotified.get()) {
          serverListener.frameReceived(frame);
        }
      });
    }

    @Override
    public void close(int code, String reason) {
      if (!closing) {
        end(code, reason, code, reason);
      }
    }
  }
}
