package dev.natter.chat.websocket.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which browser origins may open a WebSocket: the server's own (the page it serves) and an allowlist,
 * exact and case-insensitive. A handshake without {@code Origin} is not from a browser and is allowed.
 *
 * <p>Tyrus asks before it shows the handshake's {@code Host}, so "own origin" is every origin a browser
 * could have loaded this server's page from: {@code http://HOST:PORT} for the bind host, and for a
 * loopback or wildcard bind also {@code localhost}, {@code 127.0.0.1} and {@code [::1]}. Others, such as a
 * DNS name behind a proxy, go in the allowlist.
 */
public final class OriginPolicy {
  private final Set<String> allowed;

  private OriginPolicy(Set<String> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  /** The policy for a server bound to {@code host}:{@code port}, plus {@code allowlist}. */
  public static OriginPolicy forServer(String host, int port, List<String> allowlist) {
    Set<String> origins = new HashSet<>();
    for (String origin : allowlist) {
      origins.add(normalize(origin));
    }
    Set<String> hosts = new HashSet<>();
    hosts.add(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host);
    if (isLoopbackOrWildcard(host)) {
      hosts.addAll(List.of("localhost", "127.0.0.1", "[::1]"));
    }
    for (String name : hosts) {
      origins.add(normalize("http://" + name + ":" + port));
      origins.add(normalize("https://" + name + ":" + port));
    }
    return new OriginPolicy(origins);
  }

  /** Whether a handshake with this {@code Origin} header ({@code null}: none) may proceed. */
  public boolean allows(String origin) {
    return origin == null || allowed.contains(normalize(origin));
  }

  private static boolean isLoopbackOrWildcard(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]")
        || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  private static String normalize(String origin) {
    String lower = origin.strip().toLowerCase(Locale.ROOT);
    return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
  }

  @Override
  public String toString() {
    return "OriginPolicy" + allowed;
  }
}
