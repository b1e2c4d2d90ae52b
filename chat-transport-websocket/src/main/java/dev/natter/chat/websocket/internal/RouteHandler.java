package dev.natter.chat.websocket.internal;

import dev.natter.chat.websocket.HttpCall;
import dev.natter.chat.websocket.HttpReply;
import dev.natter.chat.websocket.HttpRoute;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/** Serves one {@link HttpRoute}: bounds the body, checks the origin, and never lets a failure out. */
final class RouteHandler extends HttpHandler {
  private static final System.Logger LOG = System.getLogger(RouteHandler.class.getName());

  private final String method;
  private final HttpRoute route;
  private final ChatEndpoint.OriginGate origins;

  RouteHandler(String method, HttpRoute route, ChatEndpoint.OriginGate origins) {
    this.method = method;
    this.route = route;
    this.origins = origins;
  }

  @Override
  public void service(Request request, Response response) throws IOException {
    if (!request.getMethod().getMethodString().equals(method)) {
      response.setHeader("Allow", method);
      reply(response, HttpReply.text(405, "use " + method));
      return;
    }
    if (!origins.allows(request.getHeader("Origin"))) {
      reply(response, HttpReply.text(403, "this origin may not call the server"));
      return;
    }
    long declared = request.getContentLengthLong();
    if (declared > HttpCall.MAX_BODY_BYTES) {
      reply(response, HttpReply.text(413, "the body is larger than " + HttpCall.MAX_BODY_BYTES + " bytes"));
      return;
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(HttpCall.MAX_BODY_BYTES + 1);
    }
    if (body.length > HttpCall.MAX_BODY_BYTES) {
      reply(response, HttpReply.text(413, "the body is larger than " + HttpCall.MAX_BODY_BYTES + " bytes"));
      return;
    }
    HttpCall call = new HttpCall(method, request.getRequestURI(), headers(request),
        String.valueOf(request.getRemoteAddr()), body);
    HttpReply reply;
    try {
      reply = route.handle(call);
    } catch (Exception e) {
      // Only the type: a message could quote the request's password or token.
      LOG.log(System.Logger.Level.WARNING, "the route " + method + " " + call.path() + " failed with "
          + e.getClass().getName());
      reply = HttpReply.text(500, "server error");
    }
    reply(response, reply == null ? HttpReply.text(500, "server error") : reply);
  }

  private static Map<String, List<String>> headers(Request request) {
    Map<String, List<String>> headers = new TreeMap<>();
    for (String name : request.getHeaderNames()) {
      List<String> values = new ArrayList<>();
      request.getHeaders(name).forEach(values::add);
      headers.put(name, values);
    }
    return headers;
  }

  private static void reply(Response response, HttpReply reply) throws IOException {
    response.setStatus(reply.status());
    response.setContentType(reply.contentType());
    response.setHeader("Cache-Control", "no-store");
    byte[] body = reply.body();
    response.setContentLength(body.length);
    try (OutputStream out = response.getOutputStream()) {
      out.write(body);
    }
  }
}
