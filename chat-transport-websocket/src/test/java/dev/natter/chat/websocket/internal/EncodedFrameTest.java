package dev.natter.chat.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.spi.ServerFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The bytes of a server text frame (RFC 6455 section 5.2): FIN and opcode 1, no mask, the payload length
 * in 7 bits, 7+16 or 7+64, then the payload; checked at each length boundary.
 */
class EncodedFrameTest {

  @Test
  void shortPayloadsHaveTheirLengthInTheSecondByte() {
    assertFrame(0, 2);
    assertFrame(1, 2);
    assertFrame(125, 2);
  }

  @Test
  void payloadsFrom126To65535BytesHaveASixteenBitLength() {
    assertFrame(126, 4);
    assertFrame(65_535, 4);
  }

  @Test
  void longerPayloadsHaveASixtyFourBitLength() {
    assertFrame(65_536, 10);
    assertFrame(1_000_000, 10);
  }

  @Test
  void theTextIsEncodedAsUtf8OnceWithItsByteLength() {
    EncodedFrame frame = EncodedFrame.encode(new JsonCodec(65_536),
        new ServerFrame.Pong("é€😀"));

    byte[] payload = frame.json().getBytes(StandardCharsets.UTF_8);
    assertThat(frame.sizeBytes()).isEqualTo(payload.length);
    assertThat(Arrays.copyOfRange(frame.wire(), frame.wire().length - payload.length, frame.wire().length))
        .isEqualTo(payload);
  }

  private static void assertFrame(int length, int headerBytes) {
    byte[] payload = new byte[length];
    Arrays.fill(payload, (byte) 'x');
    byte[] wire = EncodedFrame.textFrame(payload);

    assertThat(wire).hasSize(headerBytes + length);
    assertThat(wire[0] & 0xFF).as("FIN, text").isEqualTo(0x81);
    assertThat(wire[1] & 0x80).as("no mask").isZero();
    long announced = switch (headerBytes) {
      case 2 -> wire[1];
      case 4 -> ByteBuffer.wrap(wire, 2, 2).getShort() & 0xFFFF;
      default -> ByteBuffer.wrap(wire, 2, 8).getLong();
    };
    assertThat(wire[1] & 0x7F).isEqualTo(headerBytes == 2 ? length : headerBytes == 4 ? 126 : 127);
    assertThat(announced).isEqualTo(length);
    assertThat(Arrays.copyOfRange(wire, headerBytes, wire.length)).isEqualTo(payload);
  }
}
