package dev.natter.chat.auth.jwt.internal;

import com.nimbusds.jose.JWSHeader;

/**
 * Chooses the key a token must be verified with, and so the one algorithm it must be signed with. The
 * algorithm comes from the configuration (one key) or from the key's type (a JWKS), never from the token
 * alone: a header that names another algorithm is refused here.
 */
public interface KeyResolver {

  /**
   * Returns the key for a token with this header.
   *
   * @throws TokenRefusedException when no configured key fits the header
   */
  PinnedKey keyFor(JWSHeader header) throws TokenRefusedException;

  /** What the keys are, for {@code toString}; never secret material. */
  String describe();
}
