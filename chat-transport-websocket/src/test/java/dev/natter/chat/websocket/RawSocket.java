package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * A WebSocket client written by hand on a plain {@link Socket}: the HTTP upgrade, masked frames out,
 * unmasked frames in. Unlike the JDK's client it answers nothing by itself (no pong, no close), so a
 * test can play a peer that went silent, or answer pings explicitly.
 */
final class RawSocket implements AutoCloseable {
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;
  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  /** One frame from the server. */
  record Frame(boolean fin, int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code of a close frame, or 1005 when it carries none. */
    int closeCode() {
      assertThat(opcode).as("opcode").isEqualTo(CLOSE);
      return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }
  }

  private RawSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code uri} and performs the upgrade, checking the 101 and its accept key. */
  static RawSocket open(URI uri) {
    try {
      Socket socket = new Socket(uri.getHost(), uri.getPort());
      socket.setSoTimeout((int) JdkSocket.TIMEOUT.toMillis());
      socket.setTcpNoDelay(true);
      RawSocket raw = new RawSocket(socket);
      byte[] nonce = new byte[16];
      RANDOM.nextBytes(nonce);
      String key = Base64.getEncoder().encodeToString(nonce);
      String request = "GET " + uri.getRawPath() + " HTTP/1.1\r\n"
          + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
          + "Upgrade: websocket\r\n"
          + "Connection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + key + "\r\n"
          + "Sec-WebSocket-Version: 13\r\n"
          + "\r\n";
      raw.out.write(request.getBytes(StandardCharsets.US_ASCII));
      raw.out.flush();
      String response = raw.readHttpHead();
      assertThat(response).as("upgrade response").startsWith("HTTP/1.1 101");
      assertThat(response.toLowerCase(Locale.ROOT))
          .contains("sec-websocket-accept: " + accept(key).toLowerCase(Locale.ROOT));
      return raw;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends one masked text frame holding a whole message. */
  RawSocket sendText(String text) {
    return sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends one masked frame, as a client must. */
  RawSocket sendFrame(boolean fin, int opcode, byte[] payload) {
    write(encode(fin, opcode, payload));
    return this;
  }

  /** Sends several whole text messages with one write, so they reach the server as one burst. */
  RawSocket sendTexts(String... texts) {
    ByteArrayOutputStream burst = new ByteArrayOutputStream();
    for (String text : texts) {
      burst.writeBytes(encode(true, TEXT, text.getBytes(StandardCharsets.UTF_8)));
    }
    write(burst.toByteArray());
    return this;
  }

  private static byte[] encode(boolean fin, int opcode, byte[] payload) {
    return frame((fin ? 0x80 : 0) | opcode, true, payload.length, payload);
  }

  /**
   * A client frame built by hand, to break the rules on purpose: {@code first} is the whole first byte
   * (FIN, RSV1-3, opcode), {@code announced} the payload length written in the header (in the shortest
   * form that holds it; a negative one is written as 64 bits, top bit set) whatever {@code payload}'s
   * real length, which is masked when {@code masked}.
   */
  static byte[] frame(int first, boolean masked, long announced, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write(first);
    int maskBit = masked ? 0x80 : 0;
    if (announced >= 0 && announced <= 125) {
      frame.write(maskBit | (int) announced);
    } else if (announced >= 0 && announced <= 0xFFFF) {
      frame.write(maskBit | 126);
      frame.write((int) (announced >>> 8));
      frame.write((int) (announced & 0xFF));
    } else {
      frame.write(maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((announced >>> shift) & 0xFF));
      }
    }
    byte[] mask = new byte[4];
    if (masked) {
      RANDOM.nextBytes(mask);
      frame.write(mask, 0, 4);
    }
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return frame.toByteArray();
  }

  /** Sends bytes as they are, in one write: frames made by {@link #frame}, or any garbage. */
  RawSocket sendBytes(byte[] bytes) {
    write(bytes);
    return this;
  }

  private void write(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next frame from the server, control frames included; fails after {@link JdkSocket#TIMEOUT}. */
  Frame next() {
    try {
      int first = in.readUnsignedByte();
      int second = in.readUnsignedByte();
      assertThat(second & 0x80).as("a server frame is never masked").isZero();
      long length = second & 0x7F;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      assertThat(length).as("frame length").isBetween(0L, (long) Integer.MAX_VALUE);
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      return new Frame((first & 0x80) != 0, first & 0x0F, payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code hello} and returns the {@code welcome}. */
  JsonNode hello(String name) {
    sendText("{\"type\":\"hello\",\"id\":\"h\",\"v\":1,\"name\":\"" + name + "\"}");
    JsonNode welcome = nextJson();
    assertThat(welcome.path("type").asText()).as("reply to hello: %s", welcome).isEqualTo("welcome");
    return welcome;
  }

  /** The next text message, parsed, answering pings on the way; anything else fails the test. */
  JsonNode nextJson() {
    while (true) {
      Frame frame = next();
      if (frame.opcode() == PING) {
        pong(frame);
        continue;
      }
      if (frame.opcode() == CLOSE) {
        throw new AssertionError("expected a text message, but the server closed with " + frame.closeCode());
      }
      assertThat(frame.opcode()).as("opcode of a frame expected to be text").isEqualTo(TEXT);
      assertThat(frame.fin()).as("a whole message in one frame").isTrue();
      return JdkSocket.parse(frame.text());
    }
  }

  /**
   * Reads up to the server's close frame, answering pings on the way, and returns its code; a text
   * message before it fails the test.
   */
  int awaitClose() {
    while (true) {
      Frame frame = next();
      if (frame.opcode() == PING) {
        pong(frame);
        continue;
      }
      assertThat(frame.opcode()).as("expected a close, got opcode %s: %s", frame.opcode(), frame.text())
          .isEqualTo(CLOSE);
      return frame.closeCode();
    }
  }

  /**
   * Waits until the server has closed the TCP connection (end of stream, or a reset), skipping any
   * frames still on the way; fails after {@link JdkSocket#TIMEOUT}.
   */
  void awaitEnd() {
    byte[] sink = new byte[8192];
    try {
      while (in.read(sink) >= 0) {
        // Frames sent before the end (a close, pings) are not the point here.
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection within " + JdkSocket.TIMEOUT, e);
    } catch (IOException e) {
      // A reset: the server closed while bytes of ours were still unread. Closed all the same.
    }
    // Then close our side, as every WebSocket client does once the server ended its own: a server that
    // closed for a protocol error waits for that before it lets the connection go.
    close();
  }

  /** Sends a close frame with {@code code} (1000 ends the session at once) and no reason. */
  RawSocket sendClose(int code) {
    return sendFrame(true, CLOSE, new byte[] {(byte) (code >>> 8), (byte) code});
  }

  /** Answers a ping with a masked pong carrying the same payload. */
  void pong(Frame ping) {
    assertThat(ping.opcode()).as("opcode").isEqualTo(PING);
    sendFrame(true, PONG, ping.payload());
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // Byte by byte, so no frame after the head is swallowed by a buffer.
  private String readHttpHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    InputStream stream = in;
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = stream.read();
      if (b < 0) {
        throw new IOException("the server closed during the upgrade: " + head);
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest = sha1.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
