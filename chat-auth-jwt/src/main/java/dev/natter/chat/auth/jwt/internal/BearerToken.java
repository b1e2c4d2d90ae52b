package dev.natter.chat.auth.jwt.internal;

import dev.natter.chat.Authenticator.AuthRequest;
import dev.natter.chat.Handshake;
import java.util.Locale;

/** Where a client's token comes from: {@code hello}'s {@code token}, else an {@code Authorization} header. */
public final class BearerToken {
  private static final String SCHEME = "bearer";

  private BearerToken() {}

  /**
   * Returns the token of {@code hello}, or else the one of an {@code Authorization: Bearer} header (the
   * scheme in any case, as RFC 7235 has it), or {@code null} when there is neither. A blank token counts
   * as none.
   */
  public static String of(AuthRequest request) {
    String token = request.token();
    if (token != null && !token.isBlank()) {
      return token;
    }
    Handshake handshake = request.handshake();
    String header = handshake == null ? null : handshake.header("authorization");
    if (header == null) {
      return null;
    }
    header = header.strip();
    int space = header.indexOf(' ');
    if (space < 0 || !header.substring(0, space).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return null;
    }
    String bearer = header.substring(space + 1).strip();
    return bearer.isEmpty() ? null : bearer;
  }
}
