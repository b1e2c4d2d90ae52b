package dev.natter.chat.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;
import org.junit.jupiter.api.Test;

class MessageSizeScannerTest {
  private static final int TEXT = 0x1;
  private static final int CONTINUATION = 0x0;
  private static final int PING = 0x9;

  @Test
  void framesUpToTheLimitPassWhateverHowTheBytesAreSplit() {
    byte[] stream = concat(frame(true, TEXT, 100), frame(true, TEXT, 1000), frame(true, TEXT, 70_000));
    for (int chunk : new int[] {1, 2, 3, 7, 1000, stream.length}) {
      MessageSizeScanner scanner = new MessageSizeScanner(70_000);
      for (int at = 0; at < stream.length; at += chunk) {
        int end = Math.min(stream.length, at + chunk);
        assertThat(scanner.scan(slice(stream, at, end))).as("chunk %d at %d", chunk, at).isTrue();
      }
    }
  }

  @Test
  void aFrameOverTheLimitIsCaughtAtItsHeader() {
    MessageSizeScanner scanner = new MessageSizeScanner(1000);
    byte[] header = java.util.Arrays.copyOf(frame(true, TEXT, 1001), 8); // header only, no payload yet
    assertThat(scanner.scan(slice(header, 0, header.length))).isFalse();
  }

  @Test
  void fragmentsAddUpAndControlFramesBetweenThemDoNotCount() {
    MessageSizeScanner fits = new MessageSizeScanner(1000);
    assertThat(fits.scan(wrap(concat(frame(false, TEXT, 500), frame(true, PING, 100),
        frame(true, CONTINUATION, 500), frame(true, TEXT, 1000))))).isTrue();
    MessageSizeScanner over = new MessageSizeScanner(1000);
    assertThat(over.scan(wrap(concat(frame(false, TEXT, 600), frame(true, CONTINUATION, 401))))).isFalse();
  }

  @Test
  void aSixtyFourBitLengthWithItsTopBitSetIsRefused() {
    byte[] header = {(byte) 0x81, (byte) (0x80 | 127), (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4};
    assertThat(new MessageSizeScanner(Integer.MAX_VALUE).scan(wrap(header))).isFalse();
  }

  // A masked client frame with a zero payload of `length` bytes.
  private static byte[] frame(boolean fin, int opcode, int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((fin ? 0x80 : 0) | opcode);
    if (length < 126) {
      out.write(0x80 | length);
    } else if (length < 65_536) {
      out.write(0x80 | 126);
      out.write(length >>> 8);
      out.write(length & 0xFF);
    } else {
      out.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (((long) length >>> shift) & 0xFF));
      }
    }
    out.write(new byte[] {1, 2, 3, 4}, 0, 4);
    out.write(new byte[length], 0, length);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part, 0, part.length);
    }
    return out.toByteArray();
  }

  private static Buffer wrap(byte[] bytes) {
    return Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, bytes);
  }

  private static Buffer slice(byte[] bytes, int from, int to) {
    return Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, bytes, from, to - from);
  }
}
