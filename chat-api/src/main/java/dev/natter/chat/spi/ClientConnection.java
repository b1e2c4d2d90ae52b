package dev.natter.chat.spi;

/** One connection to a server, as a client sees it. Thread-safe. */
public interface ClientConnection {

  /** Queues a frame for the server and returns at once; dropped after the connection closed. */
  void send(ClientFrame frame);

  /** Closes the connection with a close code after the frames already queued. Idempotent. */
  void close(int code, String reason);
}
