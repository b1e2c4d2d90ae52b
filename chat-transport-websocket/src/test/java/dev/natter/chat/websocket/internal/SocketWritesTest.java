package dev.natter.chat.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The write mode follows the send rate, with a gap between switching on and off. */
class SocketWritesTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private final TCPNIOTransport transport = TCPNIOTransportBuilder.newInstance().build();

  @AfterEach
  void stop() throws IOException {
    transport.shutdownNow();
  }

  @Test
  void gathersAboveTheThresholdAndWritesAtOnceAgainOnlyBelowHalfOfIt() {
    SocketWrites writes = new SocketWrites(transport, 1_000);
    long now = System.nanoTime();
    assertThat(writes.gathering()).as("a new server writes at once").isFalse();

    count(writes, 1_500);
    writes.measure(now += SECOND);
    assertThat(writes.gathering()).as("1,500 frames/s").isTrue();

    count(writes, 700);
    writes.measure(now += SECOND);
    assertThat(writes.gathering()).as("700 frames/s: above half the threshold, still gathering").isTrue();

    count(writes, 400);
    writes.measure(now += SECOND);
    assertThat(writes.gathering()).as("400 frames/s").isFalse();

    count(writes, 900);
    writes.measure(now += SECOND);
    assertThat(writes.gathering()).as("900 frames/s: below the threshold, still at once").isFalse();
  }

  @Test
  void zeroGathersAlwaysAndTheMaximumNever() {
    SocketWrites always = new SocketWrites(transport, 0);
    SocketWrites never = new SocketWrites(transport, Integer.MAX_VALUE);
    long now = System.nanoTime();
    count(never, 100_000);
    never.measure(now + SECOND / 10);
    always.measure(now + SECOND / 10);

    assertThat(always.gathering()).isTrue();
    assertThat(never.gathering()).isFalse();
  }

  private static void count(SocketWrites writes, int frames) {
    for (int i = 0; i < frames; i++) {
      writes.counted();
    }
  }
}
