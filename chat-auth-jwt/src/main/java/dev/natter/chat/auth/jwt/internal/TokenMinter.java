package dev.natter.chat.auth.jwt.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.natter.chat.User;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

/** Signs HS256 tokens for users. Thread-safe. */
public final class TokenMinter {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final JWSHeader HEADER =
      new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build();

  private final MACSigner signer;
  private final String issuer;
  private final String audience;
  private final Duration lifetime;
  private final Clock clock;

  /**
   * Creates a minter.
   *
   * @param secret the HS256 secret, at least 32 bytes; copied
   * @param issuer the {@code iss} to put in, or {@code null} for none
   * @param audience the {@code aud} to put in, or {@code null} for none
   * @param lifetime from {@code iat} to {@code exp}
   * @param clock the clock that says when {@code iat} is
   * @throws IllegalArgumentException when the secret is shorter than 32 bytes
   */
  public TokenMinter(byte[] secret, String issuer, String audience, Duration lifetime, Clock clock) {
    PinnedKey.checkHs256Secret(secret);
    try {
      this.signer = new MACSigner(secret.clone());
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the HS256 secret is not usable", e);
    }
    this.issuer = issuer;
    this.audience = audience;
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Returns a compact JWS for the user: {@code sub}, {@code name}, {@code iat}, {@code exp}, {@code jti}. */
  public String mint(User user) {
    Objects.requireNonNull(user, "user");
    if (ClaimRules.isReserved(user.id()) || ClaimRules.isReserved(user.name())) {
      throw new IllegalArgumentException("no token for a reserved user: " + user.id());
    }
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .subject(user.id())
        .claim(ClaimRules.NAME_CLAIM, user.name())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(lifetime)))
        .jwtID(randomId());
    if (issuer != null) {
      claims.issuer(issuer);
    }
    if (audience != null) {
      claims.audience(audience);
    }
    SignedJWT jwt = new SignedJWT(HEADER, claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("HS256 signing failed", e);
    }
    return jwt.serialize();
  }

  private static String randomId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64URL.encode(bytes).toString();
  }
}
