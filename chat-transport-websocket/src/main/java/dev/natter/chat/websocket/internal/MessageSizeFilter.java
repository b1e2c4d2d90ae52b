package dev.natter.chat.websocket.internal;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.nio.NIOConnection;

/**
 * Enforces the message size limit and the frame header rules on the bytes of an upgraded connection,
 * before Tyrus buffers them (see {@link MessageSizeScanner}: a broken header closes with 1002).
 *
 * <p>Why not Tyrus's own limits: Tyrus buffers a whole frame before it looks at its size, in a buffer
 * capped by {@code incomingBufferSize}; a frame bigger than that buffer, or a burst of legal frames
 * that arrives at once, overflows it and closes the connection with 1011. Its message limit counts
 * UTF-16 characters and applies only to fragmented messages. So this filter reads each frame header as
 * it arrives and closes with 1009 as soon as a message (its fragments added up) goes over the limit
 * in UTF-8 bytes; the Tyrus buffer is sized to hold one legal frame plus one read.
 */
final class MessageSizeFilter extends BaseFilter {
  private static final Attribute<MessageSizeScanner> SCANNER =
      Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(MessageSizeFilter.class.getName() + ".scanner");
  private static final Attribute<Boolean> CLOSING =
      Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(MessageSizeFilter.class.getName() + ".closing");
  /** How long a closed connection's peer has to stop sending and close its end. */
  static final long LINGER_MILLIS = 2_000;

  private final int limit;
  private final ScheduledExecutorService timers;

  private MessageSizeFilter(int limit, ScheduledExecutorService timers) {
    this.limit = limit;
    this.timers = timers;
  }

  /**
   * An add-on that puts the filter before the HTTP server's handlers; register it before Tyrus's.
   * {@code timers} ends connections whose peer does not close after the close frame.
   */
  static AddOn addOn(int limit, ScheduledExecutorService timers) {
    return new AddOn() {
      @Override
      public void setup(NetworkListener listener, FilterChainBuilder builder) {
        builder.add(builder.indexOfType(HttpServerFilter.class), new MessageSizeFilter(limit, timers));
      }
    };
  }

  @Override
  public NextAction handleRead(FilterChainContext ctx) throws IOException {
    if (!(ctx.getMessage() instanceof HttpContent content)) {
      return ctx.getInvokeAction();
    }
    HttpHeader header = content.getHttpHeader();
    Buffer bytes = content.getContent();
    // Only an upgrade request's content is WebSocket frames: after the 101, Grizzly hands every read
    // on the connection to the filters as more content of that request.
    if (!header.isUpgrade() || bytes == null || !bytes.hasRemaining()) {
      return ctx.getInvokeAction();
    }
    Connection<?> connection = ctx.getConnection();
    if (Boolean.TRUE.equals(CLOSING.get(connection))) {
      return ctx.getStopAction(); // the rest of what the peer sent before it saw our close
    }
    MessageSizeScanner scanner = SCANNER.get(connection);
    if (scanner == null) {
      scanner = new MessageSizeScanner(limit);
      SCANNER.set(connection, scanner);
    }
    if (scanner.scan(bytes)) {
      return ctx.getInvokeAction();
    }
    closeWith(connection, scanner.closeCode(), scanner.closeReason());
    return ctx.getStopAction();
  }

  /** A close frame as a server sends it (unmasked); {@code reason} is short ASCII. */
  static byte[] closeFrame(int code, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.US_ASCII);
    byte[] frame = new byte[4 + text.length];
    frame[0] = (byte) 0x88; // FIN + close
    frame[1] = (byte) (2 + text.length);
    frame[2] = (byte) (code >>> 8);
    frame[3] = (byte) code;
    System.arraycopy(text, 0, frame, 4, text.length);
    return frame;
  }

  /**
   * Sends the close frame, then ends our side and reads (discarding) until the peer closes, for at most
   * {@link #LINGER_MILLIS}. Closing the socket at once, with the rest of an oversized message still
   * unread, makes the kernel answer with a reset, and a client reading behind its own sending may then
   * lose the close frame and see 1006 instead of the code.
   */
  // Grizzly's write signature takes a raw WriteResult handler.
  @SuppressWarnings({"rawtypes", "unchecked"})
  private void closeWith(Connection<?> connection, int code, String reason) {
    CLOSING.set(connection, Boolean.TRUE);
    Buffer close = Buffers.wrap(connection.getMemoryManager(), closeFrame(code, reason));
    connection.write(close, new org.glassfish.grizzly.EmptyCompletionHandler() {
      @Override
      public void completed(Object result) {
        linger(connection);
      }

      @Override
      public void failed(Throwable error) {
        connection.closeSilently();
      }
    });
  }

  private void linger(Connection<?> connection) {
    try {
      if (connection instanceof NIOConnection nio && nio.getChannel() instanceof SocketChannel channel) {
        channel.shutdownOutput();
      }
      timers.schedule(connection::closeSilently, LINGER_MILLIS, TimeUnit.MILLISECONDS);
    } catch (IOException | RuntimeException e) {
      connection.closeSilently();
    }
  }
}
