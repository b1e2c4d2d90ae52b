package dev.natter.chat.auth.jwt;

import dev.natter.chat.Authenticator;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.User;
import dev.natter.chat.auth.jwt.internal.BearerToken;
import dev.natter.chat.auth.jwt.internal.ClaimRules;
import dev.natter.chat.auth.jwt.internal.JwksKeys;
import dev.natter.chat.auth.jwt.internal.KeyResolver;
import dev.natter.chat.auth.jwt.internal.PinnedKey;
import dev.natter.chat.auth.jwt.internal.TokenRefusedException;
import dev.natter.chat.auth.jwt.internal.TokenVerifier;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An {@link Authenticator} for JWT bearer tokens: a client proves who it is with a compact JWS, signed
 * by whoever logs users in.
 *
 * <pre>{@code
 * ChatServer server = ChatServer.builder(transport)
 *     .authenticator(JwtAuthenticator.hs256(secret)      // at least 32 bytes
 *         .issuer("https://login.example.com")           // optional: iss must be this
 *         .audience("natter")                            // optional: aud must include this
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p><b>Where the token comes from.</b> {@code hello}'s {@code token}; without one, an
 * {@code Authorization: Bearer <token>} header of the transport's handshake (for clients other than
 * browsers). When both are present, {@code hello}'s token wins. Without a token the client is refused.
 *
 * <p><b>What a token must be.</b> A compact JWS signed with the one algorithm this authenticator is
 * built for: HS256 with the secret ({@link #hs256}), RS256 or ES256 with the public key ({@link #rs256},
 * {@link #es256}), or RS256 or ES256 with the key of a JWKS file that the token's {@code kid} names
 * ({@link #jwks}). The algorithm is pinned by the configuration or the key's type, never taken from the
 * token: unsigned tokens ({@code alg: none}) and tokens naming another algorithm are refused. The claims:
 * <ul>
 *   <li>{@code exp} is required; the token is valid only before it. {@code nbf} and {@code iat}, when
 *       present, must not be in the future. Each allows the clock skew (default 30 s).
 *   <li>{@code iss} must equal {@link Builder#issuer} and {@code aud} must include
 *       {@link Builder#audience}, when those are set; otherwise they are not checked.
 *   <li>{@code sub} is the user's {@link User#id() id}, and the optional {@code name} claim the display
 *       {@link User#name() name} (default: {@code sub}); each must follow the rules of {@link User}.
 *       The server's own user ({@link User#SYSTEM}, in any case) is refused as either.
 * </ul>
 * With a valid token, the name the client asks for in {@code hello} is ignored.
 *
 * <p><b>Refusals</b> throw a {@link dev.natter.chat.ChatException} with
 * {@link ChatStatus.Code#AUTH_FAILED}, whose message says which rule failed ("the token has expired",
 * "the token's signature is not valid", ...). Neither the message nor the log ever holds the token or a
 * part of it; the details of a refusal (times, key ids) are logged at {@code DEBUG} through
 * {@link System.Logger}, under this class's name.
 *
 * <p>One user may hold several sessions at once ({@link #allowsConcurrentSessions()}). Instances are
 * immutable and thread-safe.
 */
public final class JwtAuthenticator implements Authenticator {
  private static final System.Logger LOG = System.getLogger(JwtAuthenticator.class.getName());

  private final TokenVerifier verifier;
  private final String description;

  private JwtAuthenticator(TokenVerifier verifier, String description) {
    this.verifier = verifier;
    this.description = description;
  }

  /**
   * Starts an authenticator for HS256 tokens signed with a shared secret.
   *
   * @param secret the secret, at least 32 bytes (256 bits); copied, so the caller may clear it
   * @throws IllegalArgumentException when the secret is shorter than 32 bytes
   */
  public static Builder hs256(byte[] secret) {
    PinnedKey key = PinnedKey.hs256(secret);
    return new Builder(() -> key);
  }

  /**
   * Starts an authenticator for RS256 tokens signed with the private half of this key.
   *
   * @param publicKey the issuer's public key, 2048 bits or more
   * @throws IllegalArgumentException when the key is shorter than 2048 bits
   */
  public static Builder rs256(RSAPublicKey publicKey) {
    PinnedKey key = PinnedKey.rs256(publicKey);
    return new Builder(() -> key);
  }

  /**
   * Starts an authenticator for ES256 tokens signed with the private half of this key.
   *
   * @param publicKey the issuer's public key, on curve P-256
   * @throws IllegalArgumentException when the key is not on curve P-256
   */
  public static Builder es256(ECPublicKey publicKey) {
    PinnedKey key = PinnedKey.es256(publicKey);
    return new Builder(() -> key);
  }

  /**
   * Starts an authenticator for tokens signed with one of the keys of a JWKS file (RFC 7517), chosen by
   * the token's {@code kid}; a token without a {@code kid}, or with one the file lacks, is refused. An RSA
   * key (2048 bits or more) verifies RS256 only, an EC P-256 key ES256 only. Other keys (other types,
   * curves or algorithms, keys for encryption, keys without a {@code kid}) are skipped. Only public
   * halves are kept. The file is read once, by {@link Builder#build()}; to take up new keys, build
   * another authenticator.
   *
   * @param jwksFile the JWKS file, for example one saved from an identity provider's {@code jwks_uri}
   */
  public static Builder jwks(Path jwksFile) {
    Objects.requireNonNull(jwksFile, "jwksFile");
    return new Builder(() -> JwksKeys.load(jwksFile));
  }

  /**
   * Returns the user the client's token names.
   *
   * @throws dev.natter.chat.ChatException with {@link ChatStatus.Code#AUTH_FAILED} when there is no
   *     token or it breaks a rule
   */
  @Override
  public User authenticate(AuthRequest request) {
    Objects.requireNonNull(request, "request");
    String token = BearerToken.of(request);
    if (token == null) {
      throw ChatStatus.of(ChatStatus.Code.AUTH_FAILED, "a token is required").asException();
    }
    try {
      return verifier.verify(token);
    } catch (TokenRefusedException e) {
      LOG.log(Level.DEBUG, () -> "refused a token from " + remote(request) + ": " + e.reason()
          + (e.detail().isEmpty() ? "" : " (" + e.detail() + ")"));
      throw ChatStatus.of(ChatStatus.Code.AUTH_FAILED, e.reason()).asException();
    }
  }

  private static String remote(AuthRequest request) {
    return request.handshake() == null ? "an unknown address" : request.handshake().remoteAddress();
  }

  /** True: one user may hold several sessions (tabs, devices), each receiving everything for the user. */
  @Override
  public boolean allowsConcurrentSessions() {
    return true;
  }

  /** The algorithm, keys (never a secret), issuer, audience and skew. */
  @Override
  public String toString() {
    return "JwtAuthenticator[" + description + "]";
  }

  /**
   * Configures a {@link JwtAuthenticator}. Not thread-safe; {@link #build()} may be called more than
   * once.
   */
  public static final class Builder {
    private static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

    private final Supplier<KeyResolver> keys;
    private String issuer;
    private String audience;
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private Clock clock = Clock.systemUTC();

    private Builder(Supplier<KeyResolver> keys) {
      this.keys = keys;
    }

    /** Requires {@code iss} to equal this. Default: {@code iss} is not checked. */
    public Builder issuer(String issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /** Requires {@code aud} to include this. Default: {@code aud} is not checked. */
    public Builder audience(String audience) {
      this.audience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /**
     * How far the issuer's clock and this server's may disagree, allowed on {@code exp}, {@code nbf}
     * and {@code iat}. Default: 30 seconds.
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder clockSkew(Duration clockSkew) {
      Objects.requireNonNull(clockSkew, "clockSkew");
      if (clockSkew.isNegative()) {
        throw new IllegalArgumentException("clockSkew must not be negative: " + clockSkew);
      }
      this.clockSkew = clockSkew;
      return this;
    }

    /** The clock that says what time it is, for tests. Default: {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Returns the authenticator. For {@link JwtAuthenticator#jwks}, reads the file now.
     *
     * @throws java.io.UncheckedIOException when the JWKS file cannot be read
     * @throws IllegalArgumentException when the JWKS file is not valid or has no usable key
     */
    public JwtAuthenticator build() {
      KeyResolver resolved = keys.get();
      ClaimRules rules = new ClaimRules(issuer, audience, clockSkew, clock);
      String description = resolved.describe()
          + ", issuer=" + (issuer == null ? "any" : issuer)
          + ", audience=" + (audience == null ? "any" : audience)
          + ", clockSkew=" + clockSkew;
      return new JwtAuthenticator(new TokenVerifier(resolved, rules), description);
    }
  }
}
