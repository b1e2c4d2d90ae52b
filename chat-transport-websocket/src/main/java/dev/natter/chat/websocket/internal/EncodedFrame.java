package dev.natter.chat.websocket.internal;

import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerFrame;

/**
 * A server frame encoded once as JSON, sent as is to every recipient.
 *
 * @param frame the frame
 * @param json its JSON text
 * @param sizeBytes its UTF-8 size, counted against outbound queue limits
 */
public record EncodedFrame(ServerFrame frame, String json, int sizeBytes) implements PreparedFrame {

  /** Encodes {@code frame} with {@code codec}. */
  public static EncodedFrame encode(JsonCodec codec, ServerFrame frame) {
    String json = codec.encode(frame);
    return new EncodedFrame(frame, json, utf8Length(json));
  }

  /** The UTF-8 length of a string, without encoding it. */
  static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
