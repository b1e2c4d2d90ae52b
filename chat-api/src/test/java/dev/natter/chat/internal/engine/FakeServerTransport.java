package dev.natter.chat.internal.engine;

import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.ServerTransportListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A server transport without a network: a test opens connections by hand ({@link #open}) and drives
 * them frame by frame through {@link FakeConnection}.
 */
final class FakeServerTransport implements ServerTransport {
  /** The size every prepared frame claims to have on the wire. */
  static final int FRAME_BYTES = 100;

  private final AtomicReference<ServerTransportListener> listener = new AtomicReference<>();
  private final List<FakeConnection> connections = new CopyOnWriteArrayList<>();
  private volatile boolean accepting;
  private volatile boolean closed;

  @Override
  public void start(ServerTransportListener engine) {
    if (!listener.compareAndSet(null, engine)) {
      throw new IllegalStateException("already started");
    }
    accepting = true;
  }

  @Override
  public PreparedFrame prepare(ServerFrame frame) {
    return new Prepared(frame, FRAME_BYTES);
  }

  @Override
  public void stopAccepting() {
    accepting = false;
  }

  @Override
  public void close() {
    closed = true;
    accepting = false;
    for (FakeConnection connection : connections) {
      connection.transportClosed();
    }
  }

  /** Opens a connection as a client connecting would, and hands it to the engine. */
  FakeConnection open(String label) {
    ServerTransportListener engine = listener.get();
    if (engine == null) {
      throw new IllegalStateException("the transport was not started");
    }
    if (!accepting || closed) {
      throw new IllegalStateException("the transport no longer accepts connections");
    }
    FakeConnection connection = new FakeConnection(label);
    connections.add(connection);
    connection.opened(engine.connectionOpened(connection));
    return connection;
  }

  boolean isClosed() {
    return closed;
  }

  /** A frame "encoded" once: just the frame and a fixed size. */
  record Prepared(ServerFrame frame, int sizeBytes) implements PreparedFrame {}
}
