package dev.natter.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a {@link ChatClient}'s connection stands, as {@link ChatListener#onConnectionState} reports
 * each change:
 *
 * <pre>
 * connect()       CONNECTING(0) → CONNECTED
 * connection lost RECONNECTING(1, delay) → CONNECTING(1) → CONNECTED
 *                 (or, after a failed attempt, RECONNECTING(2, longer delay) → CONNECTING(2) → ...)
 * for good        CLOSED: close(), a close code not worth retrying, a refused hello, attempts used up
 * </pre>
 *
 * <p>CLOSED comes once and last. {@link ChatListener#onConnected} comes right before CONNECTED, and
 * {@link ChatListener#onDisconnected} right before the RECONNECTING or CLOSED that follows it.
 *
 * @param kind what the client is doing
 * @param attempt for {@link Kind#CONNECTING} and {@link Kind#RECONNECTING}, which attempt: 0 for
 *     {@link ChatClient#connect()}, then 1, 2, ... for the reconnect attempts since the last session;
 *     0 for the other kinds
 * @param delay for {@link Kind#RECONNECTING}, how long the client waits before that attempt;
 *     {@code null} for the other kinds
 * @param disconnect for {@link Kind#RECONNECTING}, how the last connection or attempt ended; for
 *     {@link Kind#CLOSED}, why the client stopped; {@code null} for the other kinds. An attempt that
 *     could not connect reports 1006, a refused {@code hello} 4001, each with the reason.
 */
public record ConnectionState(Kind kind, int attempt, Duration delay, Disconnect disconnect) {

  private static final ConnectionState CONNECTED = new ConnectionState(Kind.CONNECTED, 0, null, null);

  /** Validates the components: each kind has exactly the ones it needs. */
  public ConnectionState {
    Objects.requireNonNull(kind, "kind");
    boolean counts = kind == Kind.CONNECTING || kind == Kind.RECONNECTING;
    if (attempt < (kind == Kind.RECONNECTING ? 1 : 0) || (!counts && attempt != 0)) {
      throw new IllegalArgumentException("bad attempt for " + kind + ": " + attempt);
    }
    if ((kind == Kind.RECONNECTING) != (delay != null) || (delay != null && delay.isNegative())) {
      throw new IllegalArgumentException("RECONNECTING, and only it, has a delay, not negative");
    }
    if ((kind == Kind.RECONNECTING || kind == Kind.CLOSED) != (disconnect != null)) {
      throw new IllegalArgumentException("RECONNECTING and CLOSED, and only they, have a disconnect");
    }
  }

  /** Opening a connection: attempt 0 for {@link ChatClient#connect()}, 1, 2, ... for a reconnect. */
  public static ConnectionState connecting(int attempt) {
    return new ConnectionState(Kind.CONNECTING, attempt, null, null);
  }

  /** A session is open. */
  public static ConnectionState connected() {
    return CONNECTED;
  }

  /** Waiting {@code delay} before reconnect attempt {@code attempt}, after {@code cause}. */
  public static ConnectionState reconnecting(int attempt, Duration delay, Disconnect cause) {
    return new ConnectionState(Kind.RECONNECTING, attempt, delay, cause);
  }

  /** Closed for good, because of {@code disconnect}. */
  public static ConnectionState closed(Disconnect disconnect) {
    return new ConnectionState(Kind.CLOSED, 0, null, disconnect);
  }

  /** What a client is doing. */
  public enum Kind {
    /** Opening a connection and starting the session. */
    CONNECTING,
    /** The session is open: requests go out. */
    CONNECTED,
    /**
     * The connection was lost; waiting before the next attempt. Sends wait in the outbox meanwhile;
     * other requests fail with {@link ChatStatus.Code#UNAVAILABLE}.
     */
    RECONNECTING,
    /** Closed for good: every request fails. */
    CLOSED
  }
}
