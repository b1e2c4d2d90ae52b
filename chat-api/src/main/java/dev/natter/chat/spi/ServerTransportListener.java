package dev.natter.chat.spi;

/** What a {@link ServerTransport} reports to the engine. */
public interface ServerTransportListener {

  /**
   * A connection opened. Called once per connection, before any of its frames. Returns the listener for
   * the connection's frames. Never blocks.
   */
  ServerConnectionListener connectionOpened(ServerConnection connection);
}
