package dev.natter.chat.internal.engine;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when a test moves it, so rate limits and timestamps repeat run after run. */
final class ManualClock extends Clock {
  private volatile long millis;

  ManualClock(long startMillis) {
    this.millis = startMillis;
  }

  void advance(long byMillis) {
    if (byMillis < 0) {
      throw new IllegalArgumentException("a clock moves forward: " + byMillis);
    }
    millis += byMillis;
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the engine only reads millis");
  }
}
