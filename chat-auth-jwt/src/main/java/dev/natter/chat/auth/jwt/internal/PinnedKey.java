package dev.natter.chat.auth.jwt.internal;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.Key;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * One verification key and the one algorithm it is for. It is also the {@link SecurityContext} handed to
 * Nimbus's processor, so the processor's key selector sees the key chosen for this token.
 *
 * @param algorithm the only algorithm a token verified with this key may use
 * @param key the HMAC secret or the public key
 * @param description what the key is, for {@code toString}; never secret material
 */
public record PinnedKey(JWSAlgorithm algorithm, Key key, String description)
    implements KeyResolver, SecurityContext {

  /** The shortest HS256 secret accepted: 256 bits, as RFC 7518 section 3.2 requires. */
  public static final int MIN_HS256_SECRET_BYTES = 32;

  /** The shortest RSA modulus accepted, as RFC 7518 section 3.3 requires. */
  public static final int MIN_RSA_BITS = 2048;

  /** Validates the components. */
  public PinnedKey {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(description, "description");
  }

  /**
   * An HS256 secret, copied.
   *
   * @throws IllegalArgumentException when the secret is shorter than 32 bytes
   */
  public static PinnedKey hs256(byte[] secret) {
    checkHs256Secret(secret);
    return new PinnedKey(JWSAlgorithm.HS256, new SecretKeySpec(secret, "HmacSHA256"), "HS256");
  }

  /**
   * Refuses an HS256 secret shorter than 32 bytes.
   *
   * @throws IllegalArgumentException when it is
   */
  public static void checkHs256Secret(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < MIN_HS256_SECRET_BYTES) {
      // The length is no secret; the bytes are.
      throw new IllegalArgumentException("an HS256 secret needs at least " + MIN_HS256_SECRET_BYTES
          + " bytes (256 bits), got " + secret.length);
    }
  }

  /**
   * An RS256 public key.
   *
   * @throws IllegalArgumentException when its modulus is shorter than 2048 bits
   */
  public static PinnedKey rs256(RSAPublicKey key) {
    Objects.requireNonNull(key, "key");
    int bits = key.getModulus().bitLength();
    if (bits < MIN_RSA_BITS) {
      throw new IllegalArgumentException(
          "an RS256 key needs at least " + MIN_RSA_BITS + " bits, got " + bits);
    }
    return new PinnedKey(JWSAlgorithm.RS256, key, "RS256 (" + bits + "-bit RSA key)");
  }

  /**
   * An ES256 public key.
   *
   * @throws IllegalArgumentException when it is not on curve P-256
   */
  public static PinnedKey es256(ECPublicKey key) {
    Objects.requireNonNull(key, "key");
    if (!Curve.P_256.equals(Curve.forECParameterSpec(key.getParams()))) {
      throw new IllegalArgumentException("an ES256 key must be on curve P-256");
    }
    return new PinnedKey(JWSAlgorithm.ES256, key, "ES256 (P-256 key)");
  }

  @Override
  public PinnedKey keyFor(JWSHeader header) throws TokenRefusedException {
    return requireAlgorithm(header);
  }

  /**
   * Returns this key when the header names its algorithm.
   *
   * @throws TokenRefusedException when the header names another one
   */
  PinnedKey requireAlgorithm(JWSHeader header) throws TokenRefusedException {
    if (!algorithm.equals(header.getAlgorithm())) {
      throw new TokenRefusedException("the token's algorithm is not the one this server accepts",
          "expected " + algorithm + ", the header names " + LogText.quote(header.getAlgorithm()));
    }
    return this;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public String toString() {
    // The record's default would print the key; an HMAC key is a secret.
    return "PinnedKey[" + description + "]";
  }
}
