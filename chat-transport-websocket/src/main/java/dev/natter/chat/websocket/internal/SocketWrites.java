package dev.natter.chat.websocket.internal;

import java.net.SocketAddress;
import java.util.concurrent.atomic.LongAdder;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.asyncqueue.AsyncQueueWriter;
import org.glassfish.grizzly.asyncqueue.WritableMessage;
import org.glassfish.grizzly.nio.transport.TCPNIOAsyncQueueWriter;
import org.glassfish.grizzly.nio.transport.TCPNIOConnection;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;

/**
 * Puts the server's frames on their sockets' Grizzly write queues, choosing by the server's load how.
 *
 * <p>Grizzly writes a frame at once when its socket's queue is empty, which at chat rates it mostly is:
 * a system call per frame, and on the receiving side a wake-up per frame. Under load that was most of
 * the server's time. When it sends more than {@code gatherAbovePerSecond} frames a second, frames are
 * instead queued for the socket's selector thread, which writes everything queued for the socket
 * meanwhile in one gathering write ({@link TCPNIOAsyncQueueWriter} aggregates queued records). At a low
 * rate that hand-off costs more than it saves (a selector wake-up per burst, and a little latency), so
 * frames go straight out. Both writers work on the socket's one queue, so order is kept either way.
 *
 * <p>Thread-safe. The rate is {@link #measure measured} by a timer; below half the threshold frames go
 * straight out again, so the mode does not flap around it.
 */
final class SocketWrites {
  private final AsyncQueueWriter<SocketAddress> direct;
  private final TCPNIOAsyncQueueWriter gathering;
  private final long gatherAbovePerSecond;
  private final LongAdder frames = new LongAdder();
  private volatile boolean gather;
  private long measuredAtNanos = System.nanoTime();

  SocketWrites(TCPNIOTransport transport, int gatherAbovePerSecond) {
    this.direct = transport.getAsyncQueueIO().getWriter();
    this.gathering = new TCPNIOAsyncQueueWriter(transport);
    this.gathering.setAllowDirectWrite(false);
    this.gatherAbovePerSecond = gatherAbovePerSecond;
    this.gather = gatherAbovePerSecond == 0;
  }

  /** Queues {@code bytes} on the socket; {@code done} hears of the outcome, as Grizzly's writers tell it. */
  void write(TCPNIOConnection socket, Buffer bytes,
      CompletionHandler<WriteResult<WritableMessage, SocketAddress>> done) {
    counted();
    (gather ? gathering : direct).write(socket, bytes, done);
  }

  /** Counts a frame toward the rate. */
  void counted() {
    frames.increment();
  }

  /** Whether frames are gathered now. */
  boolean gathering() {
    return gather;
  }

  /** Takes the rate since the last call, and switches the mode when it crossed the threshold. */
  synchronized void measure(long nowNanos) {
    long elapsed = nowNanos - measuredAtNanos;
    if (elapsed <= 0) {
      return;
    }
    measuredAtNanos = nowNanos;
    double perSecond = frames.sumThenReset() * 1e9 / elapsed;
    if (gatherAbovePerSecond == 0) {
      return;
    }
    if (!gather && perSecond > gatherAbovePerSecond) {
      gather = true;
    } else if (gather && perSecond < gatherAbovePerSecond / 2.0) {
      gather = false;
    }
  }
}
