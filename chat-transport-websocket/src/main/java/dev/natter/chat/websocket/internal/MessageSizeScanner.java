package dev.natter.chat.websocket.internal;

import org.glassfish.grizzly.Buffer;

/**
 * Reads the WebSocket frame headers (RFC 6455 section 5.2) of one connection's inbound bytes, as they
 * arrive and without copying them, and adds up the payload of each data message, continuation frames
 * included. It reports a message over the limit as soon as the header that takes it over is read, before
 * its payload is buffered anywhere. Not thread-safe: one per connection, fed in arrival order.
 */
final class MessageSizeScanner {
  private static final int OPCODE_CONTINUATION = 0x0;
  private static final int OPCODE_CLOSE = 0x8;

  private final long limit;

  // Header being read: its bytes so far, and how many it needs (2, then more for length and mask).
  private final byte[] header = new byte[14];
  private int headerRead;
  private int headerNeeded = 2;
  private long payloadLeft;
  private long messageBytes;
  private boolean messageEndsWithFrame;

  MessageSizeScanner(long limit) {
    this.limit = limit;
  }

  /**
   * Scans the bytes between the buffer's position and limit, leaving both as they are. Returns false
   * when a message went over the limit; the connection is then to be closed and nothing more scanned.
   */
  boolean scan(Buffer bytes) {
    int position = bytes.position();
    int end = bytes.limit();
    while (position < end) {
      if (payloadLeft > 0) {
        long skip = Math.min(payloadLeft, end - position);
        position += (int) skip;
        payloadLeft -= skip;
        if (payloadLeft == 0) {
          frameDone();
        }
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

  // A whole header is read: check the message size and start skipping the payload.
  private boolean headerDone() {
    boolean fin = (header[0] & 0x80) != 0;
    int opcode = header[0] & 0x0F;
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
    if (length < 0) {
      return false; // the top bit of a 64-bit length is set: no real message is that long
    }
    if (opcode < OPCODE_CLOSE) { // a data frame: text, binary or continuation
      messageBytes = opcode == OPCODE_CONTINUATION ? messageBytes + length : length;
      if (messageBytes > limit) {
        return false;
      }
      messageEndsWithFrame = fin;
    }
    payloadLeft = length;
    if (length == 0) {
      frameDone();
    }
    return true;
  }

  private void frameDone() {
    if (messageEndsWithFrame) {
      messageBytes = 0;
      messageEndsWithFrame = false;
    }
  }
}
