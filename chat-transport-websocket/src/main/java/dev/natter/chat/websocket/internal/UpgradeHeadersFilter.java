package dev.natter.chat.websocket.internal;

import java.io.IOException;
import java.util.Base64;
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
 * Refuses a WebSocket upgrade whose headers break RFC 6455 section 4.2.1 before Tyrus sees it: a
 * {@code Sec-WebSocket-Version} other than 13 gets 426 with {@code Sec-WebSocket-Version: 13}, a
 * missing {@code Sec-WebSocket-Key} or one that is not 16 bytes in base64 gets 400; each a complete
 * response, after which the connection is closed. Why: Tyrus answers these with 426 and 500 responses
 * that carry neither a length nor a close, so the client waits for a body that never comes and the
 * connection stays open.
 */
final class UpgradeHeadersFilter extends BaseFilter {
  private static final String WEBSOCKET_VERSION = "13";
  private static final int KEY_BYTES = 16;

  private UpgradeHeadersFilter() {}

  /** An add-on that puts the filter just before the HTTP server's handlers, where Tyrus goes too. */
  static AddOn addOn() {
    return new AddOn() {
      @Override
      public void setup(NetworkListener listener, FilterChainBuilder builder) {
        builder.add(builder.indexOfType(HttpServerFilter.class), new UpgradeHeadersFilter());
      }
    };
  }

  @Override
  public NextAction handleRead(FilterChainContext ctx) throws IOException {
    if (!(ctx.getMessage() instanceof HttpContent content)
        || !(content.getHttpHeader() instanceof HttpRequestPacket request)
        || !"websocket".equalsIgnoreCase(request.getUpgrade())
        // Each read after the 101 comes as more content of the upgrade request: only its head counts.
        || request.getResponse().isCommitted()) {
      return ctx.getInvokeAction();
    }
    if (!WEBSOCKET_VERSION.equals(trimmed(request.getHeader("Sec-WebSocket-Version")))) {
      request.getResponse().setHeader("Sec-WebSocket-Version", WEBSOCKET_VERSION);
      OriginFilter.refuse(ctx, request, 426, "Upgrade Required");
      return ctx.getStopAction();
    }
    if (!isKey(trimmed(request.getHeader("Sec-WebSocket-Key")))) {
      OriginFilter.refuse(ctx, request, 400, "Bad Request");
      return ctx.getStopAction();
    }
    return ctx.getInvokeAction();
  }

  private static boolean isKey(String key) {
    if (key == null) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key).length == KEY_BYTES;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String trimmed(String value) {
    return value == null ? null : value.trim();
  }
}
