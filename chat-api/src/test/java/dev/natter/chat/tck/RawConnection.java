package dev.natter.chat.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ServerFrame;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client connection driven frame by frame, for the protocol details {@code ChatClient} hides (its own
 * cids, duplicate sends, close codes). Frames are taken in order with a timeout.
 */
public final class RawConnection implements ClientConnectionListener, AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final BlockingQueue<ServerFrame> frames = new LinkedBlockingQueue<>();
  private final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
  private ClientConnection connection;

  private RawConnection() {}

  /** Opens a connection over {@code transport}. */
  public static RawConnection open(ClientTransport transport) {
    RawConnection raw = new RawConnection();
    raw.connection = transport.connect(raw).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    return raw;
  }

  /** Sends {@code hello} with a name and returns the {@code welcome}. */
  public ServerFrame.Welcome hello(String name) {
    send(new ClientFrame.Hello("hello", 1, name, null, null));
    return take(ServerFrame.Welcome.class);
  }

  /** Sends a frame. */
  public void send(ClientFrame frame) {
    connection.send(frame);
  }

  /** The next frame. */
  public ServerFrame take() {
    return poll(frames, "frame");
  }

  /** The next frame, which must be of {@code type}. */
  public <T extends ServerFrame> T take(Class<T> type) {
    ServerFrame frame = take();
    assertThat(frame).isInstanceOf(type);
    return type.cast(frame);
  }

  /** The next frame that is not an event (a message or presence), skipping events. */
  public ServerFrame takeReply() {
    while (true) {
      ServerFrame frame = take();
      if (!(frame instanceof ServerFrame.MessageEvent) && !(frame instanceof ServerFrame.PresenceEvent)) {
        return frame;
      }
    }
  }

  /** The close code, waiting for the connection to end. */
  public int awaitClose() {
    return poll(closes, "close");
  }

  private static <T> T poll(BlockingQueue<T> queue, String what) {
    try {
      T value = queue.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (value == null) {
        throw new AssertionError("no " + what + " within " + TIMEOUT);
      }
      return value;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void frameReceived(ServerFrame frame) {
    frames.add(frame);
  }

  @Override
  public void closed(int code, String reason) {
    closes.add(code);
  }

  @Override
  public void close() {
    connection.close(CloseCodes.NORMAL, "done");
  }
}
