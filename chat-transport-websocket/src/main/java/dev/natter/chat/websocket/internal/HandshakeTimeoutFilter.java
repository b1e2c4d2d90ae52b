package dev.natter.chat.websocket.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * Closes a connection that keeps the server waiting for a request: one that has not sent a whole HTTP
 * request (the WebSocket upgrade, or a plain request such as a page) within the handshake timeout of
 * being accepted, or of the end of its previous response when it is kept alive.
 *
 * <p>Why: Grizzly's only HTTP timer is the keep-alive idle timeout, which restarts on every byte (so a
 * client trickling its handshake one byte at a time is never idle) and would also end the long-lived,
 * quiet WebSockets, so it is off. Without this filter a client could hold a socket forever without
 * ever saying {@code hello}, whose deadline only starts once the upgrade is done.
 *
 * <p>The deadline stops when the server starts writing a response (the server is no longer waiting on
 * the client) and for good when that response is the 101 of a WebSocket upgrade: from there the
 * {@code hello} timeout and the heartbeat take over. It restarts when a plain HTTP response is complete.
 */
final class HandshakeTimeoutFilter extends BaseFilter {
  private static final System.Logger LOG = System.getLogger(HandshakeTimeoutFilter.class.getName());
  private static final Attribute<AtomicReference<Deadline>> DEADLINE =
      Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(HandshakeTimeoutFilter.class.getName() + ".deadline");
  private static final int SWITCHING_PROTOCOLS = 101;

  private final long timeoutMillis;
  private final ScheduledExecutorService timers;

  private HandshakeTimeoutFilter(Duration timeout, ScheduledExecutorService timers) {
    this.timeoutMillis = timeout.toMillis();
    this.timers = timers;
  }

  /**
   * An add-on that puts the filter just after the HTTP codec, so it sees every response written, those
   * of the file cache included. {@code timers} runs the deadlines; it should remove cancelled tasks.
   */
  static AddOn addOn(Duration timeout, ScheduledExecutorService timers) {
    return new AddOn() {
      @Override
      public void setup(NetworkListener listener, FilterChainBuilder builder) {
        builder.add(builder.indexOfType(HttpServerFilter.class) + 1, new HandshakeTimeoutFilter(timeout, timers));
      }
    };
  }

  @Override
  public NextAction handleAccept(FilterChainContext ctx) throws IOException {
    arm(ctx.getConnection());
    return ctx.getInvokeAction();
  }

  @Override
  public NextAction handleWrite(FilterChainContext ctx) throws IOException {
    // WebSocket frames are written as plain buffers and pass untouched.
    if (ctx.getMessage() instanceof HttpContent content
        && content.getHttpHeader() instanceof HttpResponsePacket response) {
      disarm(ctx.getConnection());
      if (response.getStatus() != SWITCHING_PROTOCOLS && content.isLast()) {
        arm(ctx.getConnection()); // kept alive: the next request must come in time too
      }
    }
    return ctx.getInvokeAction();
  }

  @Override
  public NextAction handleClose(FilterChainContext ctx) throws IOException {
    disarm(ctx.getConnection());
    return ctx.getInvokeAction();
  }

  private void arm(Connection<?> connection) {
    AtomicReference<Deadline> current = DEADLINE.get(connection);
    if (current == null) {
      current = new AtomicReference<>();
      DEADLINE.set(connection, current);
    }
    Deadline deadline = new Deadline(connection, current);
    Deadline previous = current.getAndSet(deadline);
    if (previous != null) {
      previous.cancel();
    }
    try {
      deadline.timer = timers.schedule(deadline, timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // The server is stopping, and closes every connection itself.
    }
  }

  private static void disarm(Connection<?> connection) {
    AtomicReference<Deadline> current = DEADLINE.get(connection);
    Deadline deadline = current == null ? null : current.getAndSet(null);
    if (deadline != null) {
      deadline.cancel();
    }
  }

  /** One deadline of one connection; it closes the connection only while it is still the current one. */
  private static final class Deadline implements Runnable {
    private final Connection<?> connection;
    private final AtomicReference<Deadline> current;
    volatile ScheduledFuture<?> timer;

    Deadline(Connection<?> connection, AtomicReference<Deadline> current) {
      this.connection = connection;
      this.current = current;
    }

    @Override
    public void run() {
      // A response that started meanwhile replaced or cleared this deadline: then it is void.
      if (current.compareAndSet(this, null)) {
        LOG.log(System.Logger.Level.DEBUG, "no request within the handshake timeout; closing {0}",
            connection.getPeerAddress());
        // No response: a client this slow is not waiting for one, and writing could block on it.
        connection.closeSilently();
      }
    }

    void cancel() {
      ScheduledFuture<?> scheduled = timer;
      if (scheduled != null) {
        scheduled.cancel(false);
      }
    }
  }
}
