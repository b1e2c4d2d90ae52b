package dev.natter.chat.spi;

import dev.natter.chat.Limits;

/** What a {@link ServerTransport} reports to the engine, and what it learns from it. */
public interface ServerTransportListener {

  /**
   * The server's limits. A transport enforces those it can see on the wire (such as
   * {@link Limits#maxFrameBytes()}), so they are configured in one place, on the server.
   */
  Limits limits();

  /**
   * A connection opened. Called once per connection, before any of its frames. Returns the listener for
   * the connection's frames. Never blocks.
   */
  ServerConnectionListener connectionOpened(ServerConnection connection);
}
