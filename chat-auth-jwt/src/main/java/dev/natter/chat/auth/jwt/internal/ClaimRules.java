package dev.natter.chat.auth.jwt.internal;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.natter.chat.User;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

/**
 * The claims a verified token must carry: {@code exp} (required), {@code nbf} and {@code iat} (when
 * present), each with the clock skew; {@code iss} and {@code aud} when configured; {@code sub} as the
 * user id and the optional {@code name} as the display name.
 *
 * <p>The times are checked here rather than by Nimbus's claims verifier so that they follow the
 * configured {@link Clock}.
 */
public final class ClaimRules {
  /** The claim holding the display name. */
  public static final String NAME_CLAIM = "name";

  private final String issuer;
  private final String audience;
  private final Duration clockSkew;
  private final Clock clock;

  /**
   * Creates the rules.
   *
   * @param issuer the required {@code iss}, or {@code null} for any
   * @param audience the audience {@code aud} must include, or {@code null} for any
   * @param clockSkew how far the clocks of the issuer and this server may disagree
   * @param clock this server's clock
   */
  public ClaimRules(String issuer, String audience, Duration clockSkew, Clock clock) {
    this.issuer = issuer;
    this.audience = audience;
    this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Whether a user id or name is the server's own (compared ignoring case), which no token may claim:
   * without authentication nobody can take it either.
   */
  public static boolean isReserved(String idOrName) {
    return User.SYSTEM.id().equalsIgnoreCase(idOrName) || User.SYSTEM.name().equalsIgnoreCase(idOrName);
  }

  /**
   * Returns the user the claims name.
   *
   * @throws TokenRefusedException when a claim breaks a rule
   */
  public User check(JWTClaimsSet claims) throws TokenRefusedException {
    checkTimes(claims);
    if (issuer != null && !issuer.equals(claims.getIssuer())) {
      throw new TokenRefusedException("the token's issuer (iss) is not accepted",
          "expected " + LogText.quote(issuer) + ", got " + LogText.quote(claims.getIssuer()));
    }
    if (audience != null && !claims.getAudience().contains(audience)) {
      throw new TokenRefusedException("the token's audience (aud) is not accepted",
          "expected " + LogText.quote(audience) + ", got " + LogText.quote(claims.getAudience()));
    }
    return user(claims);
  }

  private void checkTimes(JWTClaimsSet claims) throws TokenRefusedException {
    Instant now = clock.instant();
    Instant expires = time(claims, "exp");
    if (expires == null) {
      throw new TokenRefusedException("the token has no expiry (exp)");
    }
    // RFC 7519: valid only before exp, and from nbf on; the skew widens both.
    if (!now.isBefore(expires.plus(clockSkew))) {
      throw new TokenRefusedException("the token has expired",
          "exp " + expires + ", now " + now + ", skew " + clockSkew);
    }
    Instant notBefore = time(claims, "nbf");
    if (notBefore != null && now.isBefore(notBefore.minus(clockSkew))) {
      throw new TokenRefusedException("the token is not valid yet (nbf)",
          "nbf " + notBefore + ", now " + now + ", skew " + clockSkew);
    }
    Instant issuedAt = time(claims, "iat");
    if (issuedAt != null && now.isBefore(issuedAt.minus(clockSkew))) {
      throw new TokenRefusedException("the token was issued in the future (iat)",
          "iat " + issuedAt + ", now " + now + ", skew " + clockSkew);
    }
  }

  private static Instant time(JWTClaimsSet claims, String name) throws TokenRefusedException {
    try {
      Date date = claims.getDateClaim(name);
      return date == null ? null : date.toInstant();
    } catch (ParseException e) {
      throw new TokenRefusedException("the token's " + name + " claim is not a time");
    }
  }

  private static User user(JWTClaimsSet claims) throws TokenRefusedException {
    String id = claims.getSubject();
    if (id == null) {
      throw new TokenRefusedException("the token has no subject (sub)");
    }
    if (!User.isValidId(id)) {
      throw new TokenRefusedException("the token's subject (sub) is not a valid user id");
    }
    String name;
    try {
      name = claims.getStringClaim(NAME_CLAIM);
    } catch (ParseException e) {
      throw new TokenRefusedException("the token's name claim is not a string");
    }
    if (name == null) {
      if (!User.isValidName(id)) {
        throw new TokenRefusedException(
            "the token has no name claim and its subject (sub) is not a valid user name");
      }
      name = id;
    } else if (!User.isValidName(name)) {
      throw new TokenRefusedException("the token's name claim is not a valid user name");
    }
    if (isReserved(id) || isReserved(name)) {
      throw new TokenRefusedException("the token names a reserved user");
    }
    return new User(id, name);
  }
}
