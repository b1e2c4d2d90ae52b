package dev.natter.chat.cluster.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.cluster.redis.internal.BusCodec.MalformedFrameException;
import dev.natter.chat.spi.cluster.PresenceChange;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BusCodecTest {
  private static final User ANN = new User("ann", "Ann");
  private static final User ZOE = new User("zoë-名", "Zoë 名");
  private static final Instant TS = Instant.ofEpochMilli(1_764_000_000_123L);

  private static final List<BusFrame> SAMPLES = List.of(
      new BusFrame.Message("n1", new ChatMessage("general", 1, "01JMID", ANN, null, "hello", TS, null)),
      new BusFrame.Message("n-2_b", new ChatMessage("général.1", Long.MAX_VALUE, "m", ZOE, null,
          "ünïcödé 😀 text\nwith lines", Instant.ofEpochMilli(-5), "cid-42")),
      new BusFrame.Message("n1", new ChatMessage("dm:ann:zoë-名", 300, "m2", ANN, ZOE, "psst", TS, "c")),
      new BusFrame.Message("n1", new ChatMessage("general", 128, "m3", ANN, null, "", TS, "")),
      new BusFrame.Presence("n1", new PresenceChange(Presence.join("general", ZOE), 1)),
      new BusFrame.Presence("n1", new PresenceChange(Presence.leave("general", ANN, Presence.Reason.LEFT), 127)),
      new BusFrame.Presence("n1", new PresenceChange(Presence.leave("r", ANN, Presence.Reason.DISCONNECT), 16_384)),
      new BusFrame.Presence("n9", new PresenceChange(Presence.leave("r", ZOE, Presence.Reason.KICKED), Long.MAX_VALUE)),
      new BusFrame.TakenOver("n2", "AbC-_09xyzAbC-_0"),
      new BusFrame.Disconnected("n3", "zoë-名"),
      new BusFrame.NodeDied("n1.AbCd-_12", "n2.xYz09-_q"));

  @Test
  void everyKindOfFrameSurvivesARoundTrip() throws MalformedFrameException {
    for (BusFrame frame : SAMPLES) {
      assertThat(BusCodec.decode(BusCodec.encode(frame))).as("%s", frame).isEqualTo(frame);
    }
  }

  @Test
  void aFrameStartsWithTheVersionAndKindAndIsCompact() {
    byte[] bytes = BusCodec.encode(SAMPLES.get(0));

    assertThat(bytes[0]).isEqualTo((byte) BusCodec.VERSION);
    assertThat(bytes[1]).isEqualTo((byte) BusCodec.KIND_MESSAGE);
    // version, kind, "n1", "general", seq, "01JMID", "ann", "Ann", flags, "hello", ts
    assertThat(bytes).hasSize(2 + 3 + 8 + 1 + 7 + 4 + 4 + 1 + 6 + 8);
  }

  @Test
  void everyTruncationOfEveryFrameIsRejected() {
    for (BusFrame frame : SAMPLES) {
      byte[] bytes = BusCodec.encode(frame);
      for (int length = 0; length < bytes.length; length++) {
        byte[] truncated = Arrays.copyOf(bytes, length);
        assertThatThrownBy(() -> BusCodec.decode(truncated))
            .as("%s cut to %d bytes", frame, length)
            .isInstanceOf(MalformedFrameException.class);
      }
    }
  }

  @Test
  void bytesAfterTheFrameAreRejected() {
    byte[] bytes = BusCodec.encode(SAMPLES.get(4));
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);

    assertThatThrownBy(() -> BusCodec.decode(longer))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("1 bytes after the end");
  }

  @Test
  void anotherVersionOrAnUnknownKindIsRejectedByName() {
    byte[] bytes = BusCodec.encode(SAMPLES.get(8));
    byte[] version2 = bytes.clone();
    version2[0] = 2;
    byte[] kind9 = bytes.clone();
    kind9[1] = 9;

    assertThatThrownBy(() -> BusCodec.decode(version2))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("unsupported codec version 2");
    assertThatThrownBy(() -> BusCodec.decode(kind9))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("unknown kind 9");
  }

  @Test
  void anEmptyOriginOrSessionIdIsRejected() {
    byte[] noOrigin = frame(BusCodec.KIND_TAKEN_OVER, "", w -> w.str("s1"));
    byte[] noSession = frame(BusCodec.KIND_TAKEN_OVER, "n1", w -> w.str(""));

    assertThatThrownBy(() -> BusCodec.decode(noOrigin))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("empty origin");
    assertThatThrownBy(() -> BusCodec.decode(noSession))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("empty session id");
  }

  @Test
  void nullEmptyAndInvalidUtf8AreRejected() {
    byte[] invalidUtf8 = {1, 4, 2, (byte) 0xc3, (byte) 0x28, 0};

    assertThatThrownBy(() -> BusCodec.decode(null)).isInstanceOf(MalformedFrameException.class);
    assertThatThrownBy(() -> BusCodec.decode(new byte[0])).isInstanceOf(MalformedFrameException.class);
    assertThatThrownBy(() -> BusCodec.decode(invalidUtf8))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("invalid UTF-8");
  }

  @Test
  void anOverlongVarintIsRejected() {
    byte[] bytes = new byte[14];
    bytes[0] = 1;
    bytes[1] = 4;
    Arrays.fill(bytes, 2, bytes.length, (byte) 0xff);

    assertThatThrownBy(() -> BusCodec.decode(bytes))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("varint longer than 9 bytes");
  }

  @Test
  void valuesTheApiTypesRefuseAreRejected() {
    // A room message whose room is a direct room's name, and a user with an invalid name.
    byte[] directWithoutTo = frame(BusCodec.KIND_MESSAGE, "n1",
        w -> {
          w.str("dm:a:b");
          w.varint(1);
          w.str("m");
          w.str("a");
          w.str("A");
          w.u8(0);
          w.str("text");
          w.i64(0);
        });
    byte[] badName = frame(BusCodec.KIND_DISCONNECTED, "n1", w -> w.str(""));
    byte[] joinWithReason = frame(BusCodec.KIND_PRESENCE, "n1",
        w -> {
          w.str("r");
          w.u8(1);
          w.str("a");
          w.str("A");
          w.u8(3);
          w.varint(1);
        });
    byte[] versionZero = frame(BusCodec.KIND_PRESENCE, "n1",
        w -> {
          w.str("r");
          w.u8(1);
          w.str("a");
          w.str("A");
          w.u8(0);
          w.varint(0);
        });

    assertThatThrownBy(() -> BusCodec.decode(directWithoutTo))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("invalid value");
    assertThatThrownBy(() -> BusCodec.decode(badName))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("invalid user id");
    assertThatThrownBy(() -> BusCodec.decode(joinWithReason))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("bad presence event");
    assertThatThrownBy(() -> BusCodec.decode(versionZero))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("invalid value");
  }

  @Test
  void randomGarbageAndCorruptedFramesNeverEscapeAsAnythingButMalformedFrameException() {
    Random random = new Random(20_260_101);
    int decoded = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes;
      if (i % 2 == 0) {
        bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
        if (bytes.length > 1) {
          bytes[0] = 1; // past the version check most of the time
        }
      } else {
        bytes = BusCodec.encode(SAMPLES.get(random.nextInt(SAMPLES.size())));
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      try {
        BusCodec.decode(bytes);
        decoded++;
      } catch (MalformedFrameException expected) {
        // rejected, as it should be
      } catch (RuntimeException e) {
        fail("decoding " + Arrays.toString(bytes) + " threw " + e, e);
      }
    }
    // Some corruptions only change a letter of a text, so they decode: the loop did reach the decoder.
    assertThat(decoded).isPositive();
  }

  private interface Body {
    void write(TestWriter w);
  }

  private static byte[] frame(int kind, String origin, Body body) {
    TestWriter w = new TestWriter();
    w.u8(BusCodec.VERSION);
    w.u8(kind);
    w.str(origin);
    body.write(w);
    return w.toByteArray();
  }

  /** Writes the codec's primitives independently of BusCodec's writer. */
  private static final class TestWriter extends java.io.ByteArrayOutputStream {
    void u8(int value) {
      write(value);
    }

    void varint(long value) {
      while (value >= 0x80) {
        write((int) (value & 0x7f) | 0x80);
        value >>>= 7;
      }
      write((int) value);
    }

    void i64(long value) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        write((int) (value >>> shift));
      }
    }

    void str(String value) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      varint(utf8.length);
      write(utf8, 0, utf8.length);
    }
  }
}
