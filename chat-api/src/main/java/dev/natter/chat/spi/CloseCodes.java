package dev.natter.chat.spi;

/** The WebSocket close codes of PROTOCOL.md section 7, shared by every transport. */
public final class CloseCodes {
  /** Normal close: a client closing this way ends its session at once. */
  public static final int NORMAL = 1000;
  /** The server is shutting down; reconnect and resume. */
  public static final int GOING_AWAY = 1001;
  /** A binary message arrived. */
  public static final int UNSUPPORTED_DATA = 1003;
  /** The connection was lost without a close frame. */
  public static final int ABNORMAL = 1006;
  /** A WebSocket protocol error: a frame that breaks RFC 6455 (unmasked, reserved bits, bad fragments). */
  public static final int PROTOCOL_ERROR = 1002;
  /** A text message that is not valid UTF-8. */
  public static final int INVALID_DATA = 1007;
  /** A message over the size limit. */
  public static final int TOO_BIG = 1009;
  /** The server failed while it set up the session; reconnect. */
  public static final int SERVER_ERROR = 1011;
  /** The server is at its connection limit ({@code Limits.maxConnections}); try again later. */
  public static final int TRY_AGAIN_LATER = 1013;
  /** Too many bad frames in a row. */
  public static final int BAD_FRAMES = 4000;
  /** No {@code hello} in time, a bad token, or a frame before {@code welcome}. */
  public static final int NOT_AUTHENTICATED = 4001;
  /** The session was taken over by a newer connection. */
  public static final int SESSION_TAKEN_OVER = 4002;
  /** Kicked or banned. */
  public static final int KICKED = 4003;
  /** Kept flooding past the rate limit. */
  public static final int RATE_LIMITED = 4008;
  /** Too slow to read: the outbound queue overflowed. */
  public static final int SLOW_CONSUMER = 4009;

  private CloseCodes() {}
}
