package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.Limits;
import dev.natter.chat.spi.CloseCodes;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A connection the server closes while its client is still sending: the client reads everything the
 * server sent before the close, then the close frame. Ending the socket at once would make the kernel
 * reset it (the client's bytes still arriving), and the reset drops what the client had not read yet.
 */
class ServerCloseTest {

  @Test
  void aClientStillSendingWhenDisconnectedReadsEveryReplyThenTheCloseFrame() throws Exception {
    try (Bystanders chat = Bystanders.start(Limits.defaults().toBuilder().rateLimit(null).build())) {
      RawSocket mallory = chat.openRaw();
      mallory.hello("mallory");
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger sent = new AtomicInteger();
      ExecutorService writer = Executors.newSingleThreadExecutor();
      try {
        // Pings, without reading the pongs, until told to stop or the server ends the socket.
        Future<?> flood = writer.submit(() -> {
          try {
            while (!stop.get()) {
              mallory.sendText("{\"type\":\"ping\",\"id\":\"p" + sent.getAndIncrement() + "\"}");
            }
          } catch (UncheckedIOException serverEnded) {
            // Writing after the server's end is what this client does wrong; reading must still work.
          }
        });
        awaitAtLeast(sent, 2_000);

        assertThat(chat.server.disconnect("mallory")).isEqualTo(1);
        int atClose = sent.get();
        awaitAtLeast(sent, atClose + 2_000); // still sending well after the server's close
        stop.set(true);
        flood.get(10, TimeUnit.SECONDS);
      } finally {
        writer.shutdownNow();
      }

      RawSocket.Frame frame;
      int pongs = 0;
      while ((frame = mallory.next()).opcode() != RawSocket.CLOSE) {
        assertThat(frame.text()).contains("\"pong\"");
        pongs++;
      }
      assertThat(frame.closeCode()).isEqualTo(CloseCodes.KICKED);
      assertThat(pongs).as("the pongs sent before the close").isPositive();
      mallory.awaitEnd();
      chat.assertStillChatting();
    }
  }

  // Waits for the writer thread's count, which grows on its own; fails after 10 s.
  private static void awaitAtLeast(AtomicInteger count, int target) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (count.get() < target) {
      assertThat(System.nanoTime() - deadline).as("sent %s of %s", count.get(), target).isNegative();
      Thread.sleep(1);
    }
  }
}
