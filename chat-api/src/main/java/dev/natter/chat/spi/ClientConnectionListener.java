package dev.natter.chat.spi;

/**
 * Receives a client connection's events, from one thread at a time, in order. A listener that takes its
 * time slows the connection's reading, as a slow reader of a socket would: the server then sees a slow
 * consumer.
 */
public interface ClientConnectionListener {

  /** A frame arrived. */
  void frameReceived(ServerFrame frame);

  /** The connection ended, with its close code (1006 when lost without one). Called once, last. */
  void closed(int code, String reason);
}
