package dev.natter.chat.internal.engine;

import dev.natter.chat.Limits.RateLimit;

/** A token bucket that starts full and refills evenly. Confined to one connection's lane. */
final class TokenBucket {
  private final double capacity;
  private final double tokensPerMilli;
  private double tokens;
  private long lastMillis;

  TokenBucket(RateLimit limit, long nowMillis) {
    this.capacity = limit.sends();
    this.tokensPerMilli = limit.sends() / (double) limit.per().toMillis();
    this.tokens = capacity;
    this.lastMillis = nowMillis;
  }

  /** Takes a token and returns 0, or returns how many milliseconds until one is there. */
  long tryTake(long nowMillis) {
    if (nowMillis > lastMillis) {
      tokens = Math.min(capacity, tokens + (nowMillis - lastMillis) * tokensPerMilli);
      lastMillis = nowMillis;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerMilli));
  }
}
