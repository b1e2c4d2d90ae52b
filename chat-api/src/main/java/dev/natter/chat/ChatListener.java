package dev.natter.chat;

/**
 * Receives a {@link ChatClient}'s events. Every method has a no-op default: override what you need.
 *
 * <p>Threading: methods are called on the transport's delivery thread for the client's connection, one
 * at a time and in the order the server sent the events; never concurrently for one client. Do not block
 * in them: a listener that takes its time slows the connection's reading, and a server closes a
 * connection that falls too far behind (4009). Do not wait on this client's futures inside them either.
 */
public interface ChatListener {

  /** The session started ({@link ChatClient#connect()} completes with the same value). */
  default void onConnected(Welcome welcome) {}

  /** A message in a room the client joined, or a direct message to or from its user. */
  default void onMessage(ChatMessage message) {}

  /** A user joined or left a room the client is in. */
  default void onPresence(Presence presence) {}

  /**
   * The outcome of a join with a cursor, before its future completes. When {@link Recovery#recovered()}
   * is false the client may have missed messages and should reload the room.
   */
  default void onRecovery(Recovery recovery) {}

  /** The connection ended; called once, last. */
  default void onDisconnected(Disconnect disconnect) {}
}
