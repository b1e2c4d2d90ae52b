package dev.natter.chat.websocket.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a handshake's credential headers away from Tyrus. Tyrus logs every handshake's headers when its
 * loggers are at FINE, {@code Authorization: Bearer ...} included; so {@link CredentialFilter} takes
 * these headers out of the request before Tyrus reads it, leaves a random ticket in their place, and
 * {@link ChatEndpoint} redeems the ticket to give the authenticator the headers as they came.
 */
final class CredentialVault {
  /** The request header that carries the ticket from the filter to the endpoint. */
  static final String TICKET_HEADER = "X-Natter-Credential-Ticket";
  /** Headers whose values are credentials (lower case). */
  static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "cookie");

  // A ticket not redeemed within this time belongs to a handshake that failed after the filter.
  private static final long TICKET_LIFETIME_NANOS = 30_000_000_000L;

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Deposit> deposits = new ConcurrentHashMap<>();

  private record Deposit(Map<String, List<String>> headers, long depositedNanos) {}

  /** Keeps {@code headers} and returns the ticket that redeems them. */
  String deposit(Map<String, List<String>> headers) {
    long now = System.nanoTime();
    deposits.values().removeIf(deposit -> now - deposit.depositedNanos() > TICKET_LIFETIME_NANOS);
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    String ticket = HexFormat.of().formatHex(bytes);
    deposits.put(ticket, new Deposit(Map.copyOf(headers), now));
    return ticket;
  }

  /** The headers kept under {@code ticket}, once; empty for an unknown or already redeemed one. */
  Map<String, List<String>> redeem(String ticket) {
    Deposit deposit = ticket == null ? null : deposits.remove(ticket);
    return deposit == null ? Map.of() : deposit.headers();
  }
}
