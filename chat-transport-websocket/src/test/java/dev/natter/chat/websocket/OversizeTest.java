package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.Limits;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The message size limit (docs/protocol.md §1): a whole (reassembled) WebSocket message of more than
 * {@code maxFrameBytes} UTF-8 bytes closes the connection with 1009, however it is framed; one of exactly
 * the limit is read. The hand-written {@link RawSocket} decides the framing (the JDK's client chooses its
 * own). Alice and bob, chatting in {@code general} meanwhile, notice nothing.
 */
class OversizeTest {
  private static final int LIMIT = Limits.defaults().maxFrameBytes();
  private static final char EURO = '\u20AC'; // three bytes of UTF-8, one UTF-16 char

  private Bystanders chat;

  @BeforeEach
  void start() {
    chat = Bystanders.start(Limits.defaults());
  }

  @AfterEach
  void stop() {
    chat.close();
  }

  @Test
  void aMessageOfExactlyTheLimitIsRead() {
    RawSocket raw = chat.openRaw();
    raw.hello("mallory");
    raw.sendText(pingOfBytes("ascii", LIMIT, 'a'));
    assertThat(raw.nextJson()).isEqualTo(JdkSocket.parse("{\"type\":\"pong\",\"id\":\"ascii\"}"));
    raw.sendText(pingOfBytes("euro", LIMIT, EURO));
    assertThat(raw.nextJson()).isEqualTo(JdkSocket.parse("{\"type\":\"pong\",\"id\":\"euro\"}"));

    JdkSocket jdk = chat.connect("carol");
    jdk.send(pingOfBytes("jdk", LIMIT, 'a'));
    assertThat(jdk.next()).isEqualTo(JdkSocket.parse("{\"type\":\"pong\",\"id\":\"jdk\"}"));
    chat.assertStillChatting();
  }

  @Test
  void oneByteOverTheLimitInOneFrameClosesWith1009() {
    RawSocket raw = chat.openRaw();
    raw.hello("mallory");
    raw.sendText(pingOfBytes("over", LIMIT + 1, 'a'));
    assertThat(raw.awaitClose()).isEqualTo(1009);
    chat.assertStillChatting();
  }

  @Test
  void oneByteOverTheLimitInFragmentsClosesWith1009() {
    RawSocket raw = chat.openRaw();
    raw.hello("mallory");
    byte[] message = pingOfBytes("over", LIMIT + 1, 'a').getBytes(StandardCharsets.UTF_8);
    raw.sendFrame(false, RawSocket.TEXT, Arrays.copyOfRange(message, 0, 30_000));
    raw.sendFrame(true, 0x0, Arrays.copyOfRange(message, 30_000, message.length));
    assertThat(raw.awaitClose()).isEqualTo(1009);
    chat.assertStillChatting();

    // The JDK's client too. The whole message stays near the limit (about 66,000 bytes), so that only the
    // limit can end it (see farOverTheLimitClosesWith1009 for what happens further out).
    JdkSocket jdk = chat.connect("carol");
    String pad = "a".repeat(33_000);
    jdk.sendPart("{\"type\":\"ping\",\"id\":\"frag\",\"pad\":\"" + pad, false);
    jdk.sendPart(pad + "\"}", true);
    assertThat(jdk.awaitClose()).isEqualTo(1009);
    chat.assertStillChatting();
  }

  @Test
  void fragmentsThatAddUpToLessThanTheLimitAreOneMessage() {
    RawSocket raw = chat.openRaw();
    raw.hello("mallory");
    byte[] message = pingOfBytes("parts", LIMIT, 'a').getBytes(StandardCharsets.UTF_8);
    raw.sendFrame(false, RawSocket.TEXT, Arrays.copyOfRange(message, 0, 10));
    raw.sendFrame(false, 0x0, Arrays.copyOfRange(message, 10, 40_000));
    raw.sendFrame(true, 0x0, Arrays.copyOfRange(message, 40_000, message.length));
    assertThat(raw.nextJson()).isEqualTo(JdkSocket.parse("{\"type\":\"pong\",\"id\":\"parts\"}"));
    chat.assertStillChatting();
  }

  @Test
  void aBurstOfMessagesUnderTheLimitIsReadWhole() {
    RawSocket raw = chat.openRaw();
    raw.hello("mallory");
    String[] burst = new String[30];
    for (int i = 0; i < burst.length; i++) {
      burst[i] = pingOfBytes("b" + i, 10_000, 'a');
    }
    raw.sendTexts(burst);
    for (int i = 0; i < burst.length; i++) {
      assertThat(raw.nextJson()).as("reply %s", i)
          .isEqualTo(JdkSocket.parse("{\"type\":\"pong\",\"id\":\"b" + i + "\"}"));
    }
    chat.assertStillChatting();
  }

  @Test
  void aClientThatSendsAWholeOversizedMessageBeforeItReadsStillGets1009() {
    RawSocket raw = chat.openRaw();
    raw.hello("mallory");
    // 4 MiB in one frame, all written before reading: the server must keep taking (and discarding) the
    // bytes after its close frame, or the writes fail and the unread rest makes the kernel reset the
    // connection, losing the close frame.
    byte[] payload = new byte[4 * 1024 * 1024];
    java.util.Arrays.fill(payload, (byte) 'a');
    raw.sendBytes(RawSocket.frame(0x81, true, payload.length, payload));

    assertThat(raw.awaitClose()).isEqualTo(1009);
    chat.assertStillChatting();
  }

  @Test
  void farOverTheLimitClosesWith1009() {
    RawSocket raw = chat.openRaw();
    raw.hello("mallory");
    raw.sendText(pingOfBytes("far", 100_000, 'a'));
    assertThat(raw.awaitClose()).isEqualTo(1009);
    chat.assertStillChatting();

    JdkSocket jdk = chat.connect("carol");
    jdk.send(pingOfBytes("jdk", 100_000, 'a'));
    assertThat(jdk.awaitClose()).isEqualTo(1009);
    chat.assertStillChatting();
  }

  @Test
  void theLimitCountsUtf8BytesNotCharacters() {
    // 65,600 bytes of UTF-8, but only about 21,900 UTF-16 chars.
    String message = pingOfBytes("euros", LIMIT + 64, EURO);
    assertThat(message.length()).isLessThan(LIMIT / 2);
    RawSocket raw = chat.openRaw();
    raw.hello("mallory");
    raw.sendText(message);
    assertThat(raw.awaitClose()).isEqualTo(1009);
    chat.assertStillChatting();
  }

  /** A {@code ping} of exactly {@code bytes} UTF-8 bytes, padded with {@code pad}. */
  static String pingOfBytes(String id, int bytes, char pad) {
    String head = "{\"type\":\"ping\",\"id\":\"" + id + "\",\"pad\":\"";
    String tail = "\"}";
    int padBytes = String.valueOf(pad).getBytes(StandardCharsets.UTF_8).length;
    int room = bytes - head.length() - tail.length();
    String message = head + String.valueOf(pad).repeat(room / padBytes) + "a".repeat(room % padBytes) + tail;
    assertThat(message.getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
    return message;
  }
}
