package dev.natter.chat.websocket.internal;

import java.io.IOException;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Refuses WebSocket upgrades from foreign browser origins with a complete HTTP 403, before Tyrus sees
 * them. Tyrus's own refusal (from {@code checkOrigin}) writes a 403 with neither a length nor a close,
 * so a client waits for a body that never comes.
 */
final class OriginFilter extends BaseFilter {
  private final ChatEndpoint.OriginGate gate;

  private OriginFilter(ChatEndpoint.OriginGate gate) {
    this.gate = gate;
  }

  /** An add-on that puts the filter just before the HTTP server's handlers, where Tyrus goes too. */
  static AddOn addOn(ChatEndpoint.OriginGate gate) {
    return new AddOn() {
      @Override
      public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int httpServer = builder.indexOfType(HttpServerFilter.class);
        builder.add(httpServer, new OriginFilter(gate));
      }
    };
  }

  @Override
  public NextAction handleRead(FilterChainContext ctx) throws IOException {
    Object message = ctx.getMessage();
    if (!(message instanceof HttpContent content)) {
      return ctx.getInvokeAction();
    }
    HttpHeader header = content.getHttpHeader();
    if (!(header instanceof HttpRequestPacket request)
        || request.getUpgradeDC().isNull()
        || gate.allows(request.getHeader("Origin"))) {
      return ctx.getInvokeAction();
    }
    refuse(ctx, request, 403, "Forbidden");
    return ctx.getStopAction();
  }

  /**
   * Answers {@code request} with a complete, empty response of {@code status} ({@code Content-Length: 0},
   * {@code Connection: close}) and closes the connection once it is written, so that the client never
   * waits for a body. {@code request}'s response may carry headers set before.
   */
  static void refuse(FilterChainContext ctx, HttpRequestPacket request, int status, String reasonPhrase) {
    HttpResponsePacket response = request.getResponse();
    response.setStatus(status);
    response.setReasonPhrase(reasonPhrase);
    response.setContentLength(0);
    response.getHeaders().setValue(Header.Connection).setString("close");
    writeThenClose(ctx, HttpContent.builder(response).content(Buffers.EMPTY_BUFFER).last(true).build());
  }

  // Grizzly's write signature takes a raw WriteResult handler.
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static void writeThenClose(FilterChainContext ctx, HttpContent content) {
    Connection<?> connection = ctx.getConnection();
    ctx.write(
        content,
        new EmptyCompletionHandler<WriteResult>() {
          @Override
          public void completed(WriteResult result) {
            connection.closeSilently();
          }

          @Override
          public void failed(Throwable error) {
            connection.closeSilently();
          }
        });
  }
}
