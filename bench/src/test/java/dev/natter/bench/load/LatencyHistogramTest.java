package dev.natter.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void anEmptyHistogramReportsZero() {
    LatencyHistogram h = new LatencyHistogram();

    assertThat(h.count()).isZero();
    assertThat(h.percentile(50)).isZero();
    assertThat(h.max()).isZero();
  }

  @Test
  void smallValuesAreExact() {
    LatencyHistogram h = new LatencyHistogram();
    for (long v = 1; v <= 100; v++) {
      h.record(v);
    }

    assertThat(h.percentile(50)).isEqualTo(50);
    assertThat(h.percentile(99)).isEqualTo(99);
    assertThat(h.percentile(100)).isEqualTo(100);
  }

  @Test
  void percentilesOfMillisecondsAreWithinTheBucketWidthAndNeverLow() {
    LatencyHistogram h = new LatencyHistogram();
    for (long ms = 1; ms <= 1000; ms++) {
      h.record(ms * 1_000_000);
    }

    assertThat(h.count()).isEqualTo(1000);
    assertThat(h.percentile(50)).isBetween(500_000_000L, Math.round(500_000_000 * (1 + 1.0 / 64)));
    assertThat(h.percentile(99)).isBetween(990_000_000L, Math.round(990_000_000 * (1 + 1.0 / 64)));
    assertThat(h.percentile(100)).isEqualTo(1_000_000_000L);
    assertThat(h.max()).isEqualTo(1_000_000_000L);
  }

  @Test
  void aPercentileIsNeverAboveTheMaximum() {
    LatencyHistogram h = new LatencyHistogram();
    h.record(1_000_001);

    assertThat(h.percentile(50)).isEqualTo(1_000_001);
  }

  @Test
  void aFewSlowOnesShowInTheTailOnly() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < 990; i++) {
      h.record(2_000_000);
    }
    for (int i = 0; i < 10; i++) {
      h.record(300_000_000);
    }

    assertThat(h.percentile(50)).isCloseTo(2_000_000L, within(2_000_000L / 64));
    assertThat(h.percentile(99)).isCloseTo(2_000_000L, within(2_000_000L / 64));
    assertThat(h.percentile(99.9)).isEqualTo(300_000_000L);
  }

  @Test
  void everyValueFallsInABucketThatHoldsIt() {
    List<Long> values = new ArrayList<>(List.of(0L, 1L, 127L, 128L, 129L, 255L, 256L, Long.MAX_VALUE));
    for (int bit = 7; bit < 63; bit++) {
      values.add((1L << bit) - 1);
      values.add(1L << bit);
      values.add((1L << bit) + 12345 % (1L << bit));
    }
    for (long v : values) {
      int i = LatencyHistogram.index(v);
      assertThat(i).as("index of %d", v).isBetween(0, LatencyHistogram.BUCKETS - 1);
      assertThat(LatencyHistogram.lowest(i)).as("lowest of %d", v).isLessThanOrEqualTo(v);
      assertThat(LatencyHistogram.highest(i)).as("highest of %d", v).isGreaterThanOrEqualTo(v);
      assertThat(LatencyHistogram.highest(i) - LatencyHistogram.lowest(i))
          .as("width at %d", v).isLessThanOrEqualTo(Math.max(0, v / 64));
    }
  }

  @Test
  void bucketsFollowEachOtherWithoutGapsOrOverlaps() {
    for (int i = 1; i < LatencyHistogram.BUCKETS; i++) {
      assertThat(LatencyHistogram.lowest(i)).as("bucket %d", i).isEqualTo(LatencyHistogram.highest(i - 1) + 1);
    }
    assertThat(LatencyHistogram.highest(LatencyHistogram.BUCKETS - 1)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aNegativeLatencyCountsAsZeroAndABadPercentileIsRefused() {
    LatencyHistogram h = new LatencyHistogram();
    h.record(-5);

    assertThat(h.percentile(100)).isZero();
    assertThatThrownBy(() -> h.percentile(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> h.percentile(101)).isInstanceOf(IllegalArgumentException.class);
  }
}
