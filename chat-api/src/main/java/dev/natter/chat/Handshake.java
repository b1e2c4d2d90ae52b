package dev.natter.chat;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the transport knows of a connection when it opens, for the {@link Authenticator}.
 *
 * @param remoteAddress the peer's address as the transport sees it, for example {@code 127.0.0.1:53122}
 * @param headers the handshake's headers, names in lower case; empty for transports without headers
 * @param origin the {@code Origin} header, or {@code null} when there was none (not a browser)
 */
public record Handshake(String remoteAddress, Map<String, List<String>> headers, String origin) {

  /** Validates the components and copies the headers with lower-case names. */
  public Handshake {
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    Map<String, List<String>> copy = new TreeMap<>();
    headers.forEach((name, values) -> copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    headers = Map.copyOf(copy);
  }

  /** A handshake with no headers and no origin, as in-process transports have. */
  public static Handshake of(String remoteAddress) {
    return new Handshake(remoteAddress, Map.of(), null);
  }

  /** The first value of a header (any case), or {@code null}. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Headers whose values are secrets: shown as {@code ***} by {@link #toString()}. */
  private static final Set<String> SECRET_HEADERS =
      Set.of("authorization", "cookie", "proxy-authorization", "sec-websocket-key");

  /** The handshake with the values of credential headers (such as {@code Authorization}) hidden. */
  @Override
  public String toString() {
    Map<String, Object> shown = new TreeMap<>();
    headers.forEach((name, values) -> shown.put(name, SECRET_HEADERS.contains(name) ? "***" : values));
    return "Handshake[remoteAddress=" + remoteAddress + ", origin=" + origin + ", headers=" + shown + "]";
  }
}
