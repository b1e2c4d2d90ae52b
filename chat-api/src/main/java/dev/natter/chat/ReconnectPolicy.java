package dev.natter.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ChatClient} reconnects after it lost a connection that had a session: capped
 * exponential backoff with jitter.
 *
 * <p>The delay before attempt {@code n} (1, 2, ...) is drawn from {@code [cap * (1 - jitter), cap]},
 * where {@code cap = min(maxDelay, initialDelay * multiplier^(n-1))}: it grows with each failed attempt
 * and never exceeds {@code maxDelay}. The count starts again at 1 once a session is back. After a close
 * with 4008 (flooding) the client waits at least the server's rate limit period.
 *
 * <pre>{@code
 * ChatClient.builder(transport)
 *     .name("alice")
 *     .reconnect(ReconnectPolicy.defaults().withMaxDelay(Duration.ofSeconds(10)).withMaxAttempts(20))
 *     .build();
 * }</pre>
 *
 * <p>Which ends the client reconnects after: the close codes 1001 (server shutting down), 1005, 1006
 * (connection lost), 1011, 1012, 1013, 1014 (a server's passing trouble), 4008 (after a pause) and 4009
 * (too slow to read). Never after 1000, 1003, 1009, 4000, 4001, 4002 and 4003, nor any other code
 * (PROTOCOL.md section 7), nor after {@link ChatClient#close()}.
 *
 * @param initialDelay the delay before the first attempt, at least 1 ms
 * @param maxDelay the longest delay, at least 1 ms; it caps every delay, the first one too
 * @param multiplier how much the delay grows with each failed attempt, at least 1
 * @param jitter the fraction of each delay drawn at random, from 0 (none) to 1
 * @param maxAttempts how many attempts in a row, at most, before the client gives up and closes;
 *     0 turns reconnecting off, {@link #UNBOUNDED} never gives up
 */
public record ReconnectPolicy(
    Duration initialDelay, Duration maxDelay, double multiplier, double jitter, int maxAttempts) {

  /** {@link #maxAttempts()} for a client that never gives up. */
  public static final int UNBOUNDED = Integer.MAX_VALUE;

  private static final ReconnectPolicy DEFAULTS =
      new ReconnectPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), 2.0, 0.5, UNBOUNDED);

  /** Validates the components. */
  public ReconnectPolicy {
    atLeastOneMilli("initialDelay", initialDelay);
    atLeastOneMilli("maxDelay", maxDelay);
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be a number of at least 1: " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be from 0 to 1: " + jitter);
    }
    if (maxAttempts < 0) {
      throw new IllegalArgumentException("maxAttempts must not be negative: " + maxAttempts);
    }
  }

  /**
   * The default: on, 500 ms growing twofold up to 30 s, half of each delay random, never giving up.
   */
  public static ReconnectPolicy defaults() {
    return DEFAULTS;
  }

  /** No reconnecting: a lost connection closes the client. */
  public static ReconnectPolicy disabled() {
    return DEFAULTS.withMaxAttempts(0);
  }

  /** Whether the client reconnects at all. */
  public boolean isEnabled() {
    return maxAttempts > 0;
  }

  /** This policy with another initial delay. */
  public ReconnectPolicy withInitialDelay(Duration delay) {
    return new ReconnectPolicy(delay, maxDelay, multiplier, jitter, maxAttempts);
  }

  /** This policy with another longest delay. */
  public ReconnectPolicy withMaxDelay(Duration delay) {
    return new ReconnectPolicy(initialDelay, delay, multiplier, jitter, maxAttempts);
  }

  /** This policy with another growth factor. */
  public ReconnectPolicy withMultiplier(double factor) {
    return new ReconnectPolicy(initialDelay, maxDelay, factor, jitter, maxAttempts);
  }

  /** This policy with another random fraction. */
  public ReconnectPolicy withJitter(double fraction) {
    return new ReconnectPolicy(initialDelay, maxDelay, multiplier, fraction, maxAttempts);
  }

  /** This policy with another number of attempts in a row. */
  public ReconnectPolicy withMaxAttempts(int attempts) {
    return new ReconnectPolicy(initialDelay, maxDelay, multiplier, jitter, attempts);
  }

  private static void atLeastOneMilli(String name, Duration delay) {
    Objects.requireNonNull(delay, name);
    if (delay.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException(name + " must be at least 1 ms: " + delay);
    }
  }
}
