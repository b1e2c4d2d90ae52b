package dev.natter.chat.spi;

import java.io.IOException;

/**
 * The server side of a transport: it accepts connections and moves frames; all chat logic is the
 * engine's. Implementations must be thread-safe.
 *
 * <p>Lifecycle: {@link #start} once, then {@link #stopAccepting} when the server shuts down, then
 * {@link #close} once the engine has closed every connection (or gave up waiting).
 */
public interface ServerTransport extends AutoCloseable {

  /**
   * Starts accepting connections, reporting each to {@code listener}.
   *
   * @throws IOException when the transport cannot start (a port in use, a name taken)
   * @throws IllegalStateException when already started
   */
  void start(ServerTransportListener listener) throws IOException;

  /**
   * Prepares a frame for sending to one or more connections. A network transport encodes it here, once.
   * Never throws for a valid frame.
   */
  PreparedFrame prepare(ServerFrame frame);

  /** Stops accepting new connections; open ones are left alone. Idempotent. */
  void stopAccepting();

  /**
   * Releases everything. A connection already closing gets a bounded time (a couple of seconds) for its
   * close to reach the peer behind the frames queued before it; any connection still open after that is
   * closed abruptly. Idempotent.
   */
  @Override
  void close();
}
