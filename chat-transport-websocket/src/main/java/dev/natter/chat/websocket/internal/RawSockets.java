package dev.natter.chat.websocket.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * Hands each WebSocket's Grizzly {@link Connection} to {@link ChatEndpoint}, so that frames are written
 * to it directly ({@link SocketConnection#send}): Tyrus's {@code sendText} makes a new frame and encodes
 * the text to UTF-8 again for every recipient, which a profile showed as a fifth of the server's time on
 * a broadcast. Tyrus does not say which connection a session is on, so a filter before Tyrus gives each
 * upgrade request a ticket header naming its connection, as {@link CredentialFilter} does.
 */
final class RawSockets {
  /** The request header that carries the ticket from the filter to the endpoint. */
  static final String TICKET_HEADER = "X-Natter-Connection-Ticket";

  // A ticket not redeemed within this time belongs to a handshake that failed after the filter.
  private static final long TICKET_LIFETIME_NANOS = 30_000_000_000L;

  private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

  private final SecureRandom random = new SecureRandom();
  private final AtomicLong lastSweepNanos = new AtomicLong(System.nanoTime());
  private final Map<String, Deposit> deposits = new ConcurrentHashMap<>();

  private record Deposit(Connection<?> connection, long depositedNanos) {}

  /** An add-on that puts the ticket filter before the HTTP server's handlers. */
  AddOn addOn() {
    RawSockets sockets = this;
    return new AddOn() {
      @Override
      public void setup(NetworkListener listener, FilterChainBuilder builder) {
        builder.add(builder.indexOfType(HttpServerFilter.class), new TicketFilter(sockets));
      }
    };
  }

  /** The connection a ticket names, once; {@code null} for an unknown or already redeemed one. */
  Connection<?> redeem(String ticket) {
    Deposit deposit = ticket == null ? null : deposits.remove(ticket);
    return deposit == null ? null : deposit.connection();
  }

  private String deposit(Connection<?> connection) {
    long now = System.nanoTime();
    // Forgetting stale tickets walks the map: once a second is enough (every time cost 6% of a burst of
    // connections in a profile).
    long last = lastSweepNanos.get();
    if (now - last > SWEEP_INTERVAL_NANOS && lastSweepNanos.compareAndSet(last, now)) {
      deposits.values().removeIf(deposit -> now - deposit.depositedNanos() > TICKET_LIFETIME_NANOS);
    }
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    String ticket = HexFormat.of().formatHex(bytes);
    deposits.put(ticket, new Deposit(connection, now));
    return ticket;
  }

  private static final class TicketFilter extends BaseFilter {
    private final RawSockets sockets;

    TicketFilter(RawSockets sockets) {
      this.sockets = sockets;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
      if (ctx.getMessage() instanceof HttpContent content
          && content.getHttpHeader() instanceof HttpRequestPacket request
          && !request.getUpgradeDC().isNull()) {
        // A ticket the client sent itself names nothing of ours.
        request.getHeaders().removeHeader(TICKET_HEADER);
        request.getHeaders().setValue(TICKET_HEADER).setString(sockets.deposit(ctx.getConnection()));
      }
      return ctx.getInvokeAction();
    }
  }
}
