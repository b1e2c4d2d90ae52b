package dev.natter.chat;

/**
 * Receives a {@link ChatClient}'s events. Every method has a no-op default: override what you need.
 *
 * <p>Threading: methods are called one at a time, in order, never concurrently for one client; usually
 * on the transport's delivery thread for the client's connection, sometimes on the client's timer
 * thread or the thread calling {@link ChatClient#connect()} or {@link ChatClient#close()}. Do not block
 * in them: a listener that takes its time slows the connection's reading, and a server closes a
 * connection that falls too far behind (4009; the client then reconnects and catches up). Do not wait
 * on this client's futures inside them either.
 *
 * <p>Across a reconnect the client keeps its promise for messages: each is delivered once (duplicates
 * are dropped by {@code mid}), in {@code seq} order per room, and what was missed while the connection
 * was away is delivered after the reconnect, or reported by {@link #onRecovery} with
 * {@code recovered == false}.
 */
public interface ChatListener {

  /**
   * A session started on a new connection: once for {@link ChatClient#connect()} (which completes with
   * the same value), and again after every automatic reconnect ({@link Welcome#resumed()} says whether
   * the session, with its rooms, was taken over). Followed by
   * {@link #onConnectionState} {@link ConnectionState.Kind#CONNECTED}.
   */
  default void onConnected(Welcome welcome) {}

  /**
   * A message in a room the client joined, or a direct message to or from its user. After a reconnect,
   * the messages missed meanwhile come here too, in order, before the live ones that followed them.
   */
  default void onMessage(ChatMessage message) {}

  /** A user joined or left a room the client is in. */
  default void onPresence(Presence presence) {}

  /**
   * The outcome of rejoining a room with a cursor: after {@link ChatClient#join(String, Cursor)},
   * before its future completes; and after an automatic reconnect, once per room the client follows
   * (the rooms it joined and its direct conversations). After a reconnect it comes once the missed
   * messages were delivered ({@code recovered}), or at once, before any later message of the room, when
   * they cannot be: then the client may have missed messages and should reload the room.
   */
  default void onRecovery(Recovery recovery) {}

  /**
   * A connection that had a session ended, with its close code; once after each {@link #onConnected}.
   * Followed by {@link #onConnectionState}: {@link ConnectionState.Kind#RECONNECTING} when the client
   * reconnects by itself, {@link ConnectionState.Kind#CLOSED} when it does not.
   */
  default void onDisconnected(Disconnect disconnect) {}

  /**
   * The connection's state changed: connecting, connected, reconnecting (with the attempt and the
   * delay), closed for good. See {@link ConnectionState} for the order.
   */
  default void onConnectionState(ConnectionState state) {}
}
