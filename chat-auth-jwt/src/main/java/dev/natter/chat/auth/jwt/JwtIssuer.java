package dev.natter.chat.auth.jwt;

import dev.natter.chat.User;
import dev.natter.chat.auth.jwt.internal.PinnedKey;
import dev.natter.chat.auth.jwt.internal.TokenMinter;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Mints HS256 tokens that a {@link JwtAuthenticator#hs256} with the same secret (and issuer and
 * audience) accepts: for an application's own login endpoint.
 *
 * <pre>{@code
 * JwtIssuer issuer = JwtIssuer.hs256(secret).lifetime(Duration.ofHours(1)).build();
 * String token = issuer.issue(new User("u-42", "alice"));   // after checking alice's password
 * }</pre>
 *
 * <p>A token carries {@code sub} (the user's id), {@code name} (the display name), {@code iat},
 * {@code exp} ({@code iat} plus the lifetime), a random {@code jti}, and {@code iss} and {@code aud}
 * when set. Tokens are secrets: hand them to the user, never to a log. Instances are immutable and
 * thread-safe.
 */
public final class JwtIssuer {
  private final TokenMinter minter;
  private final Duration lifetime;
  private final String description;

  private JwtIssuer(TokenMinter minter, Duration lifetime, String description) {
    this.minter = minter;
    this.lifetime = lifetime;
    this.description = description;
  }

  /**
   * Starts an issuer of HS256 tokens.
   *
   * @param secret the secret, at least 32 bytes (256 bits); copied, so the caller may clear it
   * @throws IllegalArgumentException when the secret is shorter than 32 bytes
   */
  public static Builder hs256(byte[] secret) {
    PinnedKey.checkHs256Secret(secret);
    return new Builder(secret.clone());
  }

  /**
   * Returns a new token for the user, valid from now for {@link #lifetime()}.
   *
   * @throws IllegalArgumentException for the server's own user ({@link User#SYSTEM}), which no token may
   *     name
   */
  public String issue(User user) {
    return minter.mint(user);
  }

  /** How long a token is valid after it is issued. */
  public Duration lifetime() {
    return lifetime;
  }

  /** The algorithm, issuer, audience and lifetime; never the secret. */
  @Override
  public String toString() {
    return "JwtIssuer[" + description + "]";
  }

  /** Configures a {@link JwtIssuer}. Not thread-safe; {@link #build()} may be called more than once. */
  public static final class Builder {
    private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(15);

    private final byte[] secret;
    private String issuer;
    private String audience;
    private Duration lifetime = DEFAULT_LIFETIME;
    private Clock clock = Clock.systemUTC();

    private Builder(byte[] secret) {
      this.secret = secret;
    }

    /** The {@code iss} of every token. Default: none. */
    public Builder issuer(String issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /** The {@code aud} of every token. Default: none. */
    public Builder audience(String audience) {
      this.audience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /**
     * How long a token is valid. Default: 15 minutes; keep it short, since a token cannot be taken back
     * before it expires.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder lifetime(Duration lifetime) {
      Objects.requireNonNull(lifetime, "lifetime");
      if (lifetime.isNegative() || lifetime.isZero()) {
        throw new IllegalArgumentException("lifetime must be positive: " + lifetime);
      }
      this.lifetime = lifetime;
      return this;
    }

    /** The clock that says when a token is issued, for tests. Default: {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Returns the issuer. */
    public JwtIssuer build() {
      String description = "HS256"
          + ", issuer=" + (issuer == null ? "none" : issuer)
          + ", audience=" + (audience == null ? "none" : audience)
          + ", lifetime=" + lifetime;
      return new JwtIssuer(new TokenMinter(secret, issuer, audience, lifetime, clock), lifetime, description);
    }
  }
}
