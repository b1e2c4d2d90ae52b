package dev.natter.chat.spi;

import java.util.concurrent.CompletableFuture;

/** The client side of a transport: opens one connection to a server per call. */
public interface ClientTransport {

  /**
   * Opens a connection. The future completes when frames can be sent, or fails with an
   * {@link java.io.IOException} or a {@link dev.natter.chat.ChatException}.
   *
   * @param listener receives the connection's frames and its end, from one thread at a time, in order
   */
  CompletableFuture<ClientConnection> connect(ClientConnectionListener listener);
}
