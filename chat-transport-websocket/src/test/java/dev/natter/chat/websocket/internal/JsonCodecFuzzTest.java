package dev.natter.chat.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ServerFrame;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link JsonCodec}'s two readers with arbitrary text (docs/fuzzing.md).
 *
 * <p>Properties: reading a client frame never throws, whatever the text: bad input is a {@link
 * ClientFrame.Malformed} that says what was wrong; a frame read well
 * writes back to JSON that reads as the same frame. Reading a server frame throws nothing but the
 * documented {@link IllegalArgumentException}, and a frame read well survives a round trip too.
 *
 * <p>In a normal build these run once per input under {@code JsonCodecFuzzTestInputs/}; with {@code
 * JAZZER_FUZZ=1} Jazzer mutates them for {@code maxDuration}.
 */
class JsonCodecFuzzTest {
  /** The transport's default frame limit, so the codec's size bounds are the ones clients meet. */
  private static final JsonCodec CODEC = new JsonCodec(65_536);

  @FuzzTest(maxDuration = "5m")
  void clientFrames(byte[] input) {
    String text = utf8(input);

    ClientFrame frame = CODEC.decodeClientFrame(text);

    assertThat(frame).isNotNull();
    if (frame instanceof ClientFrame.Malformed malformed) {
      // The problem goes back to the client in the bad_request: there must be one.
      assertThat(malformed.problem()).isNotBlank();
      return;
    }
    assertThat(CODEC.decodeClientFrame(CODEC.encode(frame))).as("%s read back", frame).isEqualTo(frame);
  }

  @FuzzTest(maxDuration = "5m")
  void serverFrames(byte[] input) {
    String text = utf8(input);

    ServerFrame frame;
    try {
      frame = CODEC.decodeServerFrame(text);
    } catch (IllegalArgumentException documented) {
      return;
    }

    assertThat(frame).isNotNull();
    assertThat(CODEC.decodeServerFrame(CODEC.encode(frame))).as("%s read back", frame).isEqualTo(frame);
  }

  /**
   * The text a WebSocket text message carries. Tyrus hands the endpoint a decoded String; reading the
   * input as UTF-8 keeps the seed files plain JSON, and JSON escapes still reach any UTF-16 unit.
   */
  private static String utf8(byte[] input) {
    return new String(input, StandardCharsets.UTF_8);
  }
}
