package dev.natter.chat.spi;

/**
 * A server frame made ready for the wire once, then sent to any number of connections: the engine
 * prepares a broadcast once ({@link ServerTransport#prepare}) and hands the same instance to every
 * recipient, so a network transport encodes it once.
 */
public interface PreparedFrame {

  /** The frame. */
  ServerFrame frame();

  /**
   * The frame's size on the wire in bytes (an estimate for transports without a wire). The engine counts
   * it against each connection's outbound queue limit.
   */
  int sizeBytes();
}
