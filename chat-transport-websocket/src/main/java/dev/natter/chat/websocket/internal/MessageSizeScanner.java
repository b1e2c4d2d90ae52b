package dev.natter.chat.websocket.internal;

import dev.natter.chat.spi.CloseCodes;
import org.glassfish.grizzly.Buffer;

/**
 * Reads the WebSocket frame headers (RFC 6455 section 5.2) of one connection's inbound bytes, as they
 * arrive and without copying them, and adds up the payload of each data message, continuation frames
 * included. It reports a message over the limit as soon as the header that takes it over is read, before
 * its payload is buffered anywhere.
 *
 * <p>It also checks every rule a header alone can break, before the size, so that a broken header is a
 * protocol error (1002) whatever length it announces: reserved bits set (no extension is offered), an
 * unknown opcode, an unmasked frame (a client must mask, section 5.1; Tyrus would accept it), a control
 * frame that is fragmented or longer than 125 bytes, a continuation with no message started, a new
 * message before the last one ended, and a 64-bit length with its top bit set. Tyrus makes most of these
 * checks too, but the frame reaches Tyrus only after this scanner has seen its header: were the size
 * checked first, a broken header announcing a large payload would get 1009. Not thread-safe: one per
 * connection, fed in arrival order.
 */
final class MessageSizeScanner {
  private static final int OPCODE_CONTINUATION = 0x0;
  private static final int OPCODE_TEXT = 0x1;
  private static final int OPCODE_BINARY = 0x2;
  private static final int OPCODE_CLOSE = 0x8;
  private static final int OPCODE_PING = 0x9;
  private static final int OPCODE_PONG = 0xA;
  private static final int MAX_CONTROL_PAYLOAD = 125;

  private final long limit;

  // Header being read: its bytes so far, and how many it needs (2, then more for length and mask).
  private final byte[] header = new byte[14];
  private int headerRead;
  private int headerNeeded = 2;
  private long payloadLeft;
  private long messageBytes;
  // Whether a data message was started by a frame without FIN and awaits its continuations.
  private boolean inMessage;
  private int closeCode;
  private String closeReason = "";

  MessageSizeScanner(long limit) {
    this.limit = limit;
  }

  /**
   * Scans the bytes between the buffer's position and limit, leaving both as they are. Returns false
   * when a header broke a rule or a message went over the limit ({@link #closeCode()} says which); the
   * connection is then to be closed and nothing more scanned.
   */
  boolean scan(Buffer bytes) {
    int position = bytes.position();
    int end = bytes.limit();
    while (position < end) {
      if (payloadLeft > 0) {
        long skip = Math.min(payloadLeft, end - position);
        position += (int) skip;
        payloadLeft -= skip;
        continue;
      }
      header[headerRead++] = bytes.get(position++);
      if (headerRead == 2) {
        int length7 = header[1] & 0x7F;
        boolean masked = (header[1] & 0x80) != 0;
        headerNeeded = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
      }
      if (headerRead == headerNeeded && !headerDone()) {
        return false;
      }
    }
    return true;
  }

  /** After {@link #scan} returned false: 1002 for a broken header, 1009 for a message over the limit. */
  int closeCode() {
    return closeCode;
  }

  /** After {@link #scan} returned false: a short reason for the close frame, in ASCII. */
  String closeReason() {
    return closeReason;
  }

  // A whole header is read: check it, then the message size, and start skipping the payload.
  private boolean headerDone() {
    boolean fin = (header[0] & 0x80) != 0;
    int reserved = header[0] & 0x70;
    int opcode = header[0] & 0x0F;
    boolean masked = (header[1] & 0x80) != 0;
    int length7 = header[1] & 0x7F;
    long length;
    if (length7 == 126) {
      length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
    } else if (length7 == 127) {
      length = 0;
      for (int i = 2; i < 10; i++) {
        length = (length << 8) | (header[i] & 0xFF);
      }
    } else {
      length = length7;
    }
    headerRead = 0;
    headerNeeded = 2;
    boolean control = opcode >= OPCODE_CLOSE;
    if (reserved != 0) {
      return fail(CloseCodes.PROTOCOL_ERROR, "reserved bits set");
    }
    if (!known(opcode)) {
      return fail(CloseCodes.PROTOCOL_ERROR, "unknown opcode " + opcode);
    }
    if (!masked) {
      return fail(CloseCodes.PROTOCOL_ERROR, "unmasked client frame");
    }
    if (length < 0) {
      return fail(CloseCodes.PROTOCOL_ERROR, "64-bit length with the top bit set");
    }
    if (control) {
      if (!fin) {
        return fail(CloseCodes.PROTOCOL_ERROR, "fragmented control frame");
      }
      if (length > MAX_CONTROL_PAYLOAD) {
        return fail(CloseCodes.PROTOCOL_ERROR, "control frame over 125 bytes");
      }
    } else {
      if (opcode == OPCODE_CONTINUATION && !inMessage) {
        return fail(CloseCodes.PROTOCOL_ERROR, "continuation without a message");
      }
      if (opcode != OPCODE_CONTINUATION && inMessage) {
        return fail(CloseCodes.PROTOCOL_ERROR, "new message inside a fragmented one");
      }
      long before = opcode == OPCODE_CONTINUATION ? messageBytes : 0;
      if (length > limit - before) { // not before + length > limit: that sum could overflow
        return fail(CloseCodes.TOO_BIG, "");
      }
      messageBytes = before + length;
      inMessage = !fin;
    }
    payloadLeft = length;
    return true;
  }

  private static boolean known(int opcode) {
    return switch (opcode) {
      case OPCODE_CONTINUATION, OPCODE_TEXT, OPCODE_BINARY, OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG -> true;
      default -> false;
    };
  }

  private boolean fail(int code, String reason) {
    closeCode = code;
    closeReason = reason;
    return false;
  }
}
