package dev.natter.chat.websocket.internal;

import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerFrame;
import java.nio.charset.StandardCharsets;

/**
 * A server frame encoded once as JSON, sent as is to every recipient.
 *
 * @param frame the frame
 * @param json its JSON text
 * @param sizeBytes its UTF-8 size, counted against outbound queue limits
 * @param wire the whole WebSocket text frame a server sends (RFC 6455 section 5.2: FIN, opcode 1, no
 *     mask, the length, the UTF-8 payload), shared read-only by every recipient
 */
public record EncodedFrame(ServerFrame frame, String json, int sizeBytes, byte[] wire)
    implements PreparedFrame {

  /** Encodes {@code frame} with {@code codec}. */
  public static EncodedFrame encode(JsonCodec codec, ServerFrame frame) {
    String json = codec.encode(frame);
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    return new EncodedFrame(frame, json, payload.length, textFrame(payload));
  }

  /** A final, unmasked text frame carrying {@code payload}. */
  static byte[] textFrame(byte[] payload) {
    int length = payload.length;
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    byte[] wire = new byte[header + length];
    wire[0] = (byte) 0x81; // FIN, text
    if (length < 126) {
      wire[1] = (byte) length;
    } else if (length <= 0xFFFF) {
      wire[1] = 126;
      wire[2] = (byte) (length >>> 8);
      wire[3] = (byte) length;
    } else {
      wire[1] = 127;
      long big = length;
      for (int i = 0; i < 8; i++) {
        wire[2 + i] = (byte) (big >>> (56 - 8 * i));
      }
    }
    System.arraycopy(payload, 0, wire, header, length);
    return wire;
  }
}
