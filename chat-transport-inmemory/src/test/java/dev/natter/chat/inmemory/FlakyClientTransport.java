package dev.natter.chat.inmemory;

import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ServerFrame;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Wraps a client transport with faults a test switches on: cut the connection as a network would (the
 * server sees the client go away and keeps its session for the grace period; the client sees 1006 and
 * nothing after the cut), lose one reply and cut, refuse new connections. Records the sends the client
 * put on the wire.
 */
final class FlakyClientTransport implements ClientTransport {
  private final ClientTransport delegate;
  private final AtomicInteger connects = new AtomicInteger();
  private final List<ClientFrame.Send> sends = new CopyOnWriteArrayList<>();
  private volatile Link current;
  private volatile Predicate<ServerFrame> loseAndCut;
  private volatile boolean refusing;

  FlakyClientTransport(ClientTransport delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableFuture<ClientConnection> connect(ClientConnectionListener listener) {
    connects.incrementAndGet();
    if (refusing) {
      return CompletableFuture.failedFuture(new IOException("refused by the test"));
    }
    Link link = new Link(listener);
    return delegate.connect(link).thenApply(opened -> {
      link.connection = opened;
      current = link;
      return link;
    });
  }

  /** Cuts the current connection. */
  void cut() {
    current.cut();
  }

  /** Loses the next frame from the server that {@code which} matches, and cuts the connection there. */
  void loseNextAndCut(Predicate<ServerFrame> which) {
    loseAndCut = which;
  }

  /** Refuses new connections, or accepts them again. */
  void refuseConnections(boolean refuse) {
    refusing = refuse;
  }

  /** How many connections the client asked for. */
  int connects() {
    return connects.get();
  }

  /** The sends the client put on the wire, in order. */
  List<ClientFrame.Send> sends() {
    return List.copyOf(sends);
  }

  private final class Link implements ClientConnectionListener, ClientConnection {
    final ClientConnectionListener client;
    volatile ClientConnection connection;
    volatile boolean cut;

    Link(ClientConnectionListener client) {
      this.client = client;
    }

    void cut() {
      cut = true;
      // Not 1000: for the server the client went away, and its session enters the grace period.
      connection.close(CloseCodes.GOING_AWAY, "cut by the test");
    }

    @Override
    public void frameReceived(ServerFrame frame) {
      if (cut) {
        return;
      }
      Predicate<ServerFrame> lose = loseAndCut;
      if (lose != null && lose.test(frame)) {
        loseAndCut = null;
        cut();
        return;
      }
      client.frameReceived(frame);
    }

    @Override
    public void closed(int code, String reason) {
      client.closed(cut ? CloseCodes.ABNORMAL : code, cut ? "connection lost" : reason);
    }

    @Override
    public void send(ClientFrame frame) {
      if (cut) {
        return;
      }
      if (frame instanceof ClientFrame.Send send) {
        sends.add(send);
      }
      connection.send(frame);
    }

    @Override
    public void close(int code, String reason) {
      connection.close(code, reason);
    }
  }
}
