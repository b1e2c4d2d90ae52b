package dev.natter.chat.spi;

/**
 * Receives one connection's events. The transport calls it for one connection from one thread at a
 * time, in order; the engine never blocks in it.
 */
public interface ServerConnectionListener {

  /** A frame arrived. */
  void frameReceived(ClientFrame frame);

  /**
   * The connection ended, whoever closed it, with the close code (1006 when it was lost without one).
   * Called once, last.
   */
  void closed(int code, String reason);
}
