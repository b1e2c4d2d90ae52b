package dev.natter.chat;

/**
 * Observes a {@link ChatServer}: every stored message and every presence change. Every method has a
 * no-op default.
 *
 * <p>Threading: called on an engine thread while the room's order is held, so calls for one room come
 * one at a time in {@code seq} order; calls for different rooms come concurrently. Return quickly and
 * never block: the room waits for you. An exception thrown here is logged and ignored.
 */
public interface ChatServerListener {

  /** A message was stored and is being delivered. */
  default void onMessage(ChatMessage message) {}

  /** A user joined or left a room. */
  default void onPresence(Presence presence) {}
}
