package dev.natter.chat.websocket;

import static dev.natter.chat.websocket.RawSocket.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.Limits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Frames that break RFC 6455 itself, written byte by byte (docs/protocol.md §7 close codes): text that is
 * not UTF-8 closes with 1007, a broken frame or fragment sequence with 1002, a header announcing more
 * than the size limit with 1009 before any payload is sent. Each time the server closes the TCP
 * connection too, forgets the user's connection, and alice and bob, chatting in {@code general}
 * meanwhile, notice nothing.
 */
class WireAbuseTest {
  private static final byte[] PING = utf8("{\"type\":\"ping\",\"id\":\"p\"}");
  private static final long HUGE = 1L << 62;

  private Bystanders chat;

  @BeforeEach
  void start() {
    chat = Bystanders.start(Limits.defaults());
  }

  @AfterEach
  void stop() {
    chat.close();
  }

  static Stream<Arguments> invalidUtf8() {
    return Stream.of(
        abuse("a broken two-byte sequence", text(quoted(0xC3, 0x28))),
        abuse("an overlong encoding of NUL", text(quoted(0xC0, 0x80))),
        abuse("a UTF-16 surrogate encoded in UTF-8", text(quoted(0xED, 0xA0, 0x80))),
        abuse("a code point past U+10FFFF", text(quoted(0xF4, 0x90, 0x80, 0x80))),
        abuse("a lone continuation byte", text(quoted(0x80))),
        abuse("a message that ends inside a sequence", text(bytes('"', 'a', 0xE2, 0x82))),
        abuse("a sequence broken across two fragments",
            concat(frame(0x01, true, 3, bytes('"', 'a', 0xE2)), frame(0x80, true, 3, bytes(0x28, 0xA1, '"')))),
        abuse("a close frame whose reason is not UTF-8", frame(0x88, true, 4, bytes(0x03, 0xE8, 0xC3, 0x28))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidUtf8")
  void invalidUtf8ClosesWith1007(byte[] abuse) {
    assertClosedWith(abuse, 1007);
  }

  static Stream<Arguments> protocolErrors() {
    byte[] head = Arrays.copyOfRange(PING, 0, 5);
    byte[] rest = Arrays.copyOfRange(PING, 5, PING.length);
    return Stream.of(
        abuse("a continuation with no message started", frame(0x80, true, PING.length, PING)),
        abuse("a new text frame inside a fragmented message",
            concat(frame(0x01, true, head.length, head), frame(0x81, true, PING.length, PING))),
        abuse("a ping of 126 bytes", frame(0x89, true, 126, new byte[126])),
        abuse("a ping without FIN", frame(0x09, true, 1, bytes('x'))),
        abuse("a close without FIN", frame(0x08, true, 2, bytes(0x03, 0xE8))),
        abuse("RSV1 set", frame(0xC1, true, PING.length, PING)),
        abuse("RSV2 set", frame(0xA1, true, PING.length, PING)),
        abuse("RSV3 set", frame(0x91, true, PING.length, PING)),
        abuse("opcode 0x3", frame(0x83, true, PING.length, PING)),
        abuse("opcode 0xB", frame(0x8B, true, 1, bytes('x'))),
        abuse("an unmasked text frame", frame(0x81, false, PING.length, PING)),
        abuse("an unmasked continuation",
            concat(frame(0x01, true, head.length, head), frame(0x80, false, rest.length, rest))),
        abuse("an unmasked ping", frame(0x89, false, 1, bytes('x'))),
        abuse("a close frame of one byte", frame(0x88, true, 1, bytes(0x03))),
        abuse("a close with code 1005, which must never be sent", frame(0x88, true, 2, bytes(0x03, 0xED))),
        abuse("a close with code 999", frame(0x88, true, 2, bytes(0x03, 0xE7))),
        abuse("a 64-bit length with its top bit set", frame(0x81, true, Long.MIN_VALUE, new byte[0])),
        abuse("a ping announcing 2^62 bytes", frame(0x89, true, HUGE, new byte[0])),
        abuse("RSV1 set on a frame announcing 2^62 bytes", frame(0xC1, true, HUGE, new byte[0])),
        abuse("an unmasked frame announcing 2^62 bytes", frame(0x81, false, HUGE, new byte[0])));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protocolErrors")
  void aBrokenFrameClosesWith1002(byte[] abuse) {
    assertClosedWith(abuse, 1002);
  }

  @Test
  void aContinuationAfterAFragmentedMessageEndedClosesWith1002() {
    RawSocket mallory = chat.openRaw();
    mallory.hello("mallory");
    mallory.sendFrame(false, RawSocket.TEXT, Arrays.copyOfRange(PING, 0, 5));
    mallory.sendFrame(true, 0x0, Arrays.copyOfRange(PING, 5, PING.length));
    assertThat(mallory.nextJson()).isEqualTo(JdkSocket.parse("{\"type\":\"pong\",\"id\":\"p\"}"));
    mallory.sendFrame(true, 0x0, bytes(' '));
    assertThat(mallory.awaitClose()).isEqualTo(1002);
    mallory.awaitEnd();
    chat.awaitOffline("mallory");
    chat.assertStillChatting();
  }

  static Stream<Arguments> hugeAnnouncements() {
    byte[] head = Arrays.copyOfRange(PING, 0, 5);
    return Stream.of(
        abuse("a text frame announcing 2^62 bytes", frame(0x81, true, HUGE, new byte[0])),
        abuse("a text frame announcing 2^63-1 bytes", frame(0x81, true, Long.MAX_VALUE, new byte[0])),
        abuse("a continuation announcing 2^62 bytes",
            concat(frame(0x01, true, head.length, head), frame(0x80, true, HUGE, new byte[0]))),
        abuse("a binary frame announcing one byte over the limit",
            frame(0x82, true, Limits.defaults().maxFrameBytes() + 1L, new byte[0])));
  }

  // Only the header is sent: the close must come without the server waiting for the payload.
  @ParameterizedTest(name = "{0}")
  @MethodSource("hugeAnnouncements")
  void aHeaderAnnouncingTooMuchClosesWith1009AtOnce(byte[] abuse) {
    assertClosedWith(abuse, 1009);
  }

  @Test
  void legalFramingAroundTheseRulesIsRead() {
    RawSocket raw = chat.openRaw();
    raw.hello("carol");
    // A character split across fragments, a ping and an empty continuation between the fragments.
    byte[] euro = utf8("{\"type\":\"ping\",\"id\":\"\u20AC\"}");
    int cut = 21; // inside the three bytes of the euro sign
    raw.sendBytes(concat(frame(0x01, true, cut, Arrays.copyOfRange(euro, 0, cut)),
        frame(0x89, true, 125, new byte[125]),
        frame(0x00, true, 0, new byte[0]),
        frame(0x80, true, euro.length - cut, Arrays.copyOfRange(euro, cut, euro.length))));
    RawSocket.Frame pong = raw.next();
    assertThat(pong.opcode()).isEqualTo(RawSocket.PONG);
    assertThat(pong.payload()).hasSize(125);
    assertThat(raw.nextJson()).isEqualTo(JdkSocket.parse("{\"type\":\"pong\",\"id\":\"\u20AC\"}"));
    // An unsolicited pong is allowed and ignored.
    raw.sendBytes(frame(0x8A, true, 1, bytes('x')));
    raw.sendText("{\"type\":\"ping\",\"id\":\"after\"}");
    assertThat(raw.nextJson()).isEqualTo(JdkSocket.parse("{\"type\":\"pong\",\"id\":\"after\"}"));
    chat.assertStillChatting();
  }

  private void assertClosedWith(byte[] abuse, int code) {
    RawSocket mallory = chat.openRaw();
    mallory.hello("mallory");
    mallory.sendBytes(abuse);
    assertThat(mallory.awaitClose()).isEqualTo(code);
    mallory.awaitEnd();
    chat.awaitOffline("mallory");
    chat.assertStillChatting();
  }

  private static Arguments abuse(String name, byte[] bytes) {
    return Arguments.of(Named.of(name, bytes));
  }

  private static byte[] text(byte[] payload) {
    return frame(0x81, true, payload.length, payload);
  }

  // A JSON string holding these bytes: valid JSON around them, so only the UTF-8 can be at fault.
  private static byte[] quoted(int... inside) {
    return concat(bytes('"'), bytes(inside), bytes('"'));
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
