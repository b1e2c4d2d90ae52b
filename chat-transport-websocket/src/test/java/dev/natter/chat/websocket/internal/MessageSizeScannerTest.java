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
    MessageSizeScanner scanner = new MessageSizeScanner(Integer.MAX_VALUE);
    assertThat(scanner.scan(wrap(header))).isFalse();
    assertThat(scanner.closeCode()).as("an illegal length is a protocol error, not a big message").isEqualTo(1002);
  }

  @Test
  void aMessageOverTheLimitIsTooBig() {
    MessageSizeScanner scanner = new MessageSizeScanner(1000);
    assertThat(scanner.scan(wrap(concat(frame(false, TEXT, 600), frame(true, CONTINUATION, 401))))).isFalse();
    assertThat(scanner.closeCode()).isEqualTo(1009);
  }

  @Test
  void aContinuationWhoseLengthWouldOverflowTheSumIsTooBig() {
    MessageSizeScanner scanner = new MessageSizeScanner(1000);
    byte[] huge = {(byte) 0x80, (byte) (0x80 | 127), 0x7F, -1, -1, -1, -1, -1, -1, -1, 1, 2, 3, 4};
    assertThat(scanner.scan(wrap(concat(frame(false, TEXT, 100), huge)))).isFalse();
    assertThat(scanner.closeCode()).isEqualTo(1009);
  }

  @Test
  void headersThatBreakRfc6455AreProtocolErrorsWhateverTheirLength() {
    // Each announces a payload far over the limit: the broken header must win over the size.
    assertProtocolError("reserved bit 1", header(0xC1, true, 1L << 40));
    assertProtocolError("reserved bit 2", header(0xA1, true, 1L << 40));
    assertProtocolError("reserved bit 3", header(0x91, true, 1L << 40));
    assertProtocolError("opcode 3", header(0x83, true, 1L << 40));
    assertProtocolError("opcode 0xB", header(0x8B, true, 1L << 40));
    assertProtocolError("unmasked", header(0x81, false, 5));
    assertProtocolError("unmasked and huge", header(0x81, false, 1L << 40));
    assertProtocolError("ping of 126 bytes", header(0x89, true, 126));
    assertProtocolError("huge close", header(0x88, true, 1L << 40));
    assertProtocolError("ping without FIN", header(0x09, true, 0));
    assertProtocolError("close without FIN", header(0x08, true, 2));
    assertProtocolError("continuation first", header(0x80, true, 5));
    assertProtocolError("text inside a message", concat(frame(false, TEXT, 5), header(0x81, true, 5)));
    assertProtocolError("binary inside a message", concat(frame(false, TEXT, 5), header(0x82, true, 5)));
    assertProtocolError("continuation after the end",
        concat(frame(false, TEXT, 5), frame(true, CONTINUATION, 5), header(0x80, true, 5)));
  }

  @Test
  void legalFramesAroundTheRulesPass() {
    MessageSizeScanner scanner = new MessageSizeScanner(1000);
    assertThat(scanner.scan(wrap(concat(frame(true, PING, 125), frame(true, 0xA, 0),
        frame(false, TEXT, 10), frame(true, PING, 3), frame(false, CONTINUATION, 0),
        frame(true, CONTINUATION, 10), frame(true, 0x2, 4), frame(true, 0x8, 2))))).isTrue();
  }

  private static void assertProtocolError(String what, byte[] bytes) {
    MessageSizeScanner scanner = new MessageSizeScanner(1000);
    assertThat(scanner.scan(wrap(bytes))).as(what).isFalse();
    assertThat(scanner.closeCode()).as(what).isEqualTo(1002);
    assertThat(scanner.closeReason()).as(what).isNotBlank();
  }

  // A frame header alone: first byte as given, mask bit as given, `length` announced (64-bit form when
  // it does not fit 16 bits), a mask key when masked.
  private static byte[] header(int first, boolean masked, long length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(first);
    int mask = masked ? 0x80 : 0;
    if (length < 126) {
      out.write(mask | (int) length);
    } else if (length < 65_536) {
      out.write(mask | 126);
      out.write((int) (length >>> 8));
      out.write((int) (length & 0xFF));
    } else {
      out.write(mask | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((length >>> shift) & 0xFF));
      }
    }
    if (masked) {
      out.write(new byte[] {1, 2, 3, 4}, 0, 4);
    }
    return out.toByteArray();
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
