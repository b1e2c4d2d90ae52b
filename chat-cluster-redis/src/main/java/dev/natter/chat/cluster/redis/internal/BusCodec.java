package dev.natter.chat.cluster.redis.internal;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.spi.cluster.PresenceChange;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * The binary form of the bus's publications ({@link BusFrame}): compact, versioned, written by Java for
 * messages and by the Lua scripts for presence and notices ({@code common.lua} holds the Lua half; the
 * two must agree). Not an API.
 *
 * <pre>
 * frame    = version:u8 (1)  kind:u8  origin:str  body
 * str      = length:varint  UTF-8 bytes
 * varint   = unsigned LEB128, at most 9 bytes (63 bits)
 * kind 1, message      room:str seq:varint mid:str from-id:str from-name:str flags:u8
 *                      [to-id:str to-name:str] (flags bit 0) text:str ts-millis:i64 (big-endian)
 *                      [cid:str] (flags bit 1)
 * kind 2, presence     room:str event:u8 (1 join, 2 leave) user-id:str user-name:str
 *                      reason:u8 (0 for a join; 1 left, 2 disconnect, 3 kicked) version:varint
 * kind 3, taken over   session-id:str
 * kind 4, disconnected user-id:str
 * kind 5, node died    instance:str (node id '.' incarnation)
 * </pre>
 *
 * <p>A frame is decoded whole or rejected with a {@link MalformedFrameException}: an unknown version or
 * kind, a truncated field, bytes left over, invalid UTF-8 or values the API types refuse.
 */
public final class BusCodec {
  /** The version byte this codec writes and reads. */
  public static final int VERSION = 1;

  static final int KIND_MESSAGE = 1;
  static final int KIND_PRESENCE = 2;
  static final int KIND_TAKEN_OVER = 3;
  static final int KIND_DISCONNECTED = 4;
  static final int KIND_NODE_DIED = 5;

  private static final int FLAG_TO = 1;
  private static final int FLAG_CID = 2;

  private BusCodec() {}

  /** The frame's bytes. */
  public static byte[] encode(BusFrame frame) {
    Objects.requireNonNull(frame, "frame");
    Writer out = new Writer();
    out.u8(VERSION);
    if (frame instanceof BusFrame.Message m) {
      out.u8(KIND_MESSAGE);
      out.str(m.origin());
      ChatMessage message = m.message();
      out.str(message.room());
      out.varint(message.seq());
      out.str(message.mid());
      out.str(message.from().id());
      out.str(message.from().name());
      out.u8((message.to() != null ? FLAG_TO : 0) | (message.cid() != null ? FLAG_CID : 0));
      if (message.to() != null) {
        out.str(message.to().id());
        out.str(message.to().name());
      }
      out.str(message.text());
      out.i64(message.ts().toEpochMilli());
      if (message.cid() != null) {
        out.str(message.cid());
      }
    } else if (frame instanceof BusFrame.Presence p) {
      out.u8(KIND_PRESENCE);
      out.str(p.origin());
      Presence presence = p.change().presence();
      out.str(presence.room());
      out.u8(presence.event() == Presence.Event.JOIN ? 1 : 2);
      out.str(presence.user().id());
      out.str(presence.user().name());
      out.u8(presence.reason() == null ? 0 : presence.reason().ordinal() + 1);
      out.varint(p.change().version());
    } else if (frame instanceof BusFrame.TakenOver t) {
      out.u8(KIND_TAKEN_OVER);
      out.str(t.origin());
      out.str(t.sessionId());
    } else if (frame instanceof BusFrame.Disconnected d) {
      out.u8(KIND_DISCONNECTED);
      out.str(d.origin());
      out.str(d.userId());
    } else if (frame instanceof BusFrame.NodeDied n) {
      out.u8(KIND_NODE_DIED);
      out.str(n.origin());
      out.str(n.instance());
    } else {
      throw new IllegalArgumentException("unknown frame: " + frame);
    }
    return out.toByteArray();
  }

  /**
   * Decodes one whole frame.
   *
   * @throws MalformedFrameException when {@code bytes} is not exactly one valid frame of this version
   *     (also when it is {@code null})
   */
  public static BusFrame decode(byte[] bytes) throws MalformedFrameException {
    if (bytes == null) {
      throw new MalformedFrameException("no payload");
    }
    Reader in = new Reader(bytes);
    int version = in.u8("version");
    if (version != VERSION) {
      throw new MalformedFrameException("unsupported codec version " + version + " (this node reads " + VERSION + ")");
    }
    int kind = in.u8("kind");
    String origin = in.str("origin");
    if (origin.isEmpty()) {
      throw new MalformedFrameException("empty origin");
    }
    BusFrame frame;
    try {
      frame = switch (kind) {
        case KIND_MESSAGE -> new BusFrame.Message(origin, message(in));
        case KIND_PRESENCE -> new BusFrame.Presence(origin, presence(in));
        case KIND_TAKEN_OVER -> new BusFrame.TakenOver(origin, sessionId(in));
        case KIND_DISCONNECTED -> new BusFrame.Disconnected(origin, userId(in));
        case KIND_NODE_DIED -> new BusFrame.NodeDied(origin, instance(in));
        default -> throw new MalformedFrameException("unknown kind " + kind);
      };
    } catch (ChatException | IllegalArgumentException e) {
      // The API types' own validation (user and room names, seq, version) refused a decoded value.
      throw new MalformedFrameException("invalid value: " + e.getMessage(), e);
    }
    if (in.remaining() != 0) {
      throw new MalformedFrameException(in.remaining() + " bytes after the end of the frame");
    }
    return frame;
  }

  private static String sessionId(Reader in) throws MalformedFrameException {
    String sessionId = in.str("session id");
    if (sessionId.isEmpty()) {
      throw new MalformedFrameException("empty session id");
    }
    return sessionId;
  }

  private static String instance(Reader in) throws MalformedFrameException {
    String instance = in.str("instance");
    if (instance.isEmpty()) {
      throw new MalformedFrameException("empty instance");
    }
    return instance;
  }

  private static String userId(Reader in) throws MalformedFrameException {
    String userId = in.str("user id");
    if (!User.isValidId(userId)) {
      throw new MalformedFrameException("invalid user id");
    }
    return userId;
  }

  private static ChatMessage message(Reader in) throws MalformedFrameException {
    String room = in.str("room");
    long seq = in.varint("seq");
    String mid = in.str("mid");
    User from = new User(in.str("sender id"), in.str("sender name"));
    int flags = in.u8("flags");
    if ((flags & ~(FLAG_TO | FLAG_CID)) != 0) {
      throw new MalformedFrameException("unknown flags " + flags);
    }
    User to = (flags & FLAG_TO) != 0 ? new User(in.str("recipient id"), in.str("recipient name")) : null;
    String text = in.str("text");
    long ts = in.i64("ts");
    String cid = (flags & FLAG_CID) != 0 ? in.str("cid") : null;
    Instant instant;
    try {
      instant = Instant.ofEpochMilli(ts);
    } catch (java.time.DateTimeException e) {
      throw new MalformedFrameException("ts out of range: " + ts, e);
    }
    return new ChatMessage(room, seq, mid, from, to, text, instant, cid);
  }

  private static PresenceChange presence(Reader in) throws MalformedFrameException {
    String room = in.str("room");
    int event = in.u8("event");
    User user = new User(in.str("user id"), in.str("user name"));
    int reason = in.u8("reason");
    long version = in.varint("version");
    Presence presence;
    if (event == 1 && reason == 0) {
      presence = Presence.join(room, user);
    } else if (event == 2 && reason >= 1 && reason <= Presence.Reason.values().length) {
      presence = Presence.leave(room, user, Presence.Reason.values()[reason - 1]);
    } else {
      throw new MalformedFrameException("bad presence event " + event + " with reason " + reason);
    }
    return new PresenceChange(presence, version);
  }

  /** Thrown for bytes that are not one valid frame. */
  public static final class MalformedFrameException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedFrameException(String message) {
      super(message);
    }

    MalformedFrameException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final class Writer extends ByteArrayOutputStream {
    Writer() {
      super(128);
    }

    void u8(int value) {
      write(value);
    }

    void varint(long value) {
      if (value < 0) {
        throw new IllegalArgumentException("negative: " + value);
      }
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

  private static final class Reader {
    private final ByteBuffer buffer;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);

    Reader(byte[] bytes) {
      this.buffer = ByteBuffer.wrap(bytes);
    }

    int remaining() {
      return buffer.remaining();
    }

    int u8(String field) throws MalformedFrameException {
      need(1, field);
      return buffer.get() & 0xff;
    }

    long i64(String field) throws MalformedFrameException {
      need(8, field);
      return buffer.getLong();
    }

    long varint(String field) throws MalformedFrameException {
      long value = 0;
      for (int shift = 0; shift < 63; shift += 7) {
        need(1, field);
        int b = buffer.get() & 0xff;
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new MalformedFrameException(field + ": varint longer than 9 bytes");
    }

    String str(String field) throws MalformedFrameException {
      long length = varint(field + " length");
      if (length > buffer.remaining()) {
        throw new MalformedFrameException(
            "truncated " + field + ": " + length + " bytes announced, " + buffer.remaining() + " left");
      }
      ByteBuffer slice = buffer.slice();
      slice.limit((int) length);
      buffer.position(buffer.position() + (int) length);
      try {
        CharBuffer chars = utf8.reset().decode(slice);
        return chars.toString();
      } catch (CharacterCodingException e) {
        throw new MalformedFrameException(field + ": invalid UTF-8", e);
      }
    }

    private void need(int bytes, String field) throws MalformedFrameException {
      if (buffer.remaining() < bytes) {
        throw new MalformedFrameException("truncated at " + field);
      }
    }
  }
}
