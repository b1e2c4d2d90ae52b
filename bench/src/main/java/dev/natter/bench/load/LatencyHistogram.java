package dev.natter.bench.load;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in nanoseconds, counted in buckets at most 1/64 (1.6%) wide relative to their values, safe
 * to record into from many threads at once. A percentile is the highest value of the bucket it falls in
 * (never above the largest value recorded), so it may be up to 1.6% high and never low; the maximum is
 * exact.
 *
 * <p>The buckets: values below 128 each have their own; above, every power of two is cut into 64 equal
 * parts. 3,712 counters cover every {@code long}, so nothing is ever out of range.
 */
final class LatencyHistogram {
  private static final int SUB_BITS = 6;
  private static final int SUB = 1 << SUB_BITS;
  /** Buckets for every non-negative long: 128 exact ones, then 64 per power of two up to 2^62. */
  static final int BUCKETS = (63 - SUB_BITS + 1) * SUB;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final AtomicLong max = new AtomicLong(-1);

  /** Counts one latency; a negative one (a clock that cannot go back, so never) counts as 0. */
  void record(long nanos) {
    long value = Math.max(0, nanos);
    counts.incrementAndGet(index(value));
    max.accumulateAndGet(value, Math::max);
  }

  /** The latencies recorded. */
  long count() {
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      total += counts.get(i);
    }
    return total;
  }

  /** The largest latency recorded, exactly, or 0 when none was. */
  long max() {
    return Math.max(0, max.get());
  }

  /**
   * The latency that {@code percent} percent of the recorded ones are at or below (see the class
   * comment for its precision), or 0 when none was recorded.
   *
   * @param percent above 0, at most 100
   */
  long percentile(double percent) {
    if (!(percent > 0 && percent <= 100)) {
      throw new IllegalArgumentException("percent must be above 0 and at most 100: " + percent);
    }
    long[] snapshot = new long[BUCKETS];
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      snapshot[i] = counts.get(i);
      total += snapshot[i];
    }
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(percent / 100 * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += snapshot[i];
      if (seen >= rank) {
        return Math.min(highest(i), max());
      }
    }
    return max(); // not reached: seen ends at total
  }

  /** The bucket of a non-negative value. */
  static int index(long value) {
    if (value < 2 * SUB) {
      return (int) value;
    }
    int shift = 63 - Long.numberOfLeadingZeros(value) - SUB_BITS;
    return (shift + 1) * SUB + (int) ((value >>> shift) - SUB);
  }

  /** The smallest value of bucket {@code index}. */
  static long lowest(int index) {
    if (index < 2 * SUB) {
      return index;
    }
    int shift = index / SUB - 1;
    return (long) (index % SUB + SUB) << shift;
  }

  /** The largest value of bucket {@code index}. */
  static long highest(int index) {
    if (index < 2 * SUB) {
      return index;
    }
    int shift = index / SUB - 1;
    return lowest(index) + (1L << shift) - 1;
  }
}
