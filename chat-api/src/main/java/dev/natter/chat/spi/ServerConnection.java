package dev.natter.chat.spi;

import dev.natter.chat.Handshake;

/**
 * One client connection as the engine sees it. Thread-safe: the engine sends from several threads.
 */
public interface ServerConnection {

  /** What the transport learnt when the connection opened. */
  Handshake handshake();

  /**
   * Queues a frame for the client, in call order, and returns at once: never blocks, never throws. When
   * the frame was written (or dropped because the connection closed) the transport runs
   * {@code onDone}, once, on any thread; the engine uses that to bound each connection's queue.
   */
  void send(PreparedFrame frame, Runnable onDone);

  /**
   * Closes the connection with a close code (PROTOCOL.md section 7) after the frames already queued, or
   * abruptly if they do not drain in a bounded time. Later sends are dropped. Idempotent.
   */
  void close(int code, String reason);
}
