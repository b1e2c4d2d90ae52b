package dev.natter.chat.internal.client;

import dev.natter.chat.ChatStatus;
import dev.natter.chat.ReconnectPolicy;
import dev.natter.chat.spi.CloseCodes;
import java.time.Duration;
import java.util.Set;

/** When and whether a client reconnects: the delays of a {@link ReconnectPolicy} and the retry rules. */
final class Backoff {
  /**
   * The close codes worth a new attempt: the protocol's (1001, 1006, 4008, 4009) and the WebSocket ones
   * for a server's passing trouble (1005 no code, 1011 internal error, 1012 restart, 1013 try later,
   * 1014 bad gateway). Every other code would only be earned again.
   */
  private static final Set<Integer> RETRIED_CLOSES = Set.of(
      CloseCodes.GOING_AWAY, 1005, CloseCodes.ABNORMAL, 1011, 1012, 1013, 1014,
      CloseCodes.RATE_LIMITED, CloseCodes.SLOW_CONSUMER);

  private Backoff() {}

  /**
   * The delay before attempt {@code attempt} (from 1): {@code cap * (1 - jitter * random)} with
   * {@code cap = min(maxDelay, initialDelay * multiplier^(attempt-1))}.
   *
   * @param random a number in {@code [0, 1)}
   */
  static Duration delay(ReconnectPolicy policy, int attempt, double random) {
    double grown = policy.initialDelay().toMillis() * Math.pow(policy.multiplier(), attempt - 1.0);
    double cap = Math.min(policy.maxDelay().toMillis(), grown);
    return Duration.ofMillis(Math.round(cap * (1.0 - policy.jitter() * random)));
  }

  /** Whether a connection that ended with {@code code} is worth reconnecting. */
  static boolean retriesAfterClose(int code) {
    return RETRIED_CLOSES.contains(code);
  }

  /**
   * Whether a {@code hello} refused with {@code code} on a reconnect is worth another attempt: a name
   * still held (by the client's own session, whose welcome was lost with the connection, until its grace
   * period ends), a server fault, no answer. Refused credentials, names and versions stay refused.
   */
  static boolean retriesAfterRefusedHello(ChatStatus.Code code) {
    return code == ChatStatus.Code.NAME_TAKEN
        || code == ChatStatus.Code.INTERNAL
        || code == ChatStatus.Code.UNAVAILABLE;
  }
}
