package dev.natter.chat.websocket;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One HTTP request to an {@link HttpRoute}.
 *
 * @param method the method, such as {@code POST}
 * @param path the path, without the query
 * @param headers the headers, names in lower case
 * @param remoteAddress the peer's address
 * @param body the body, at most {@link #MAX_BODY_BYTES}
 */
public record HttpCall(
    String method, String path, Map<String, List<String>> headers, String remoteAddress, byte[] body) {

  /** The largest body a route is given. */
  public static final int MAX_BODY_BYTES = 16 * 1024;

  /** Validates the components and copies the headers with lower-case names. */
  public HttpCall {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    Map<String, List<String>> copy = new TreeMap<>();
    headers.forEach((name, values) -> copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    headers = Map.copyOf(copy);
    body = body.clone();
  }

  /** The first value of a header, or {@code null}. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body, a copy. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The request without its body and header values, which may hold passwords or tokens. */
  @Override
  public String toString() {
    return "HttpCall[" + method + " " + path + " from " + remoteAddress + ", " + body.length + " bytes]";
  }
}
