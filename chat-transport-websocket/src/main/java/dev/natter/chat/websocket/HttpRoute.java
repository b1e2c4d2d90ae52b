package dev.natter.chat.websocket;

/**
 * A small HTTP endpoint served on the WebSocket port, next to the chat (for instance a login form's
 * {@code POST /login}). Registered with {@link WebSocketServerTransport.Builder#route}.
 *
 * <p>The transport reads the request body (at most {@value HttpCall#MAX_BODY_BYTES} bytes, else 413),
 * refuses browsers from a foreign origin (403, the same rule as the WebSocket), and calls the route on
 * a worker thread, where it may block briefly (a database lookup, a slow password hash). An exception
 * thrown here is answered with 500 and logged by its type only, since its message might hold a secret.
 */
@FunctionalInterface
public interface HttpRoute {

  /** Answers one request. */
  HttpReply handle(HttpCall call) throws Exception;
}
