package dev.natter.examples.server.accounts;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Slow, salted password hashes: PBKDF2-HMAC-SHA256 of the JDK, a random 16-byte salt per hash and
 * {@value #DEFAULT_ITERATIONS} iterations by default (OWASP's figure for PBKDF2-HMAC-SHA256), so a
 * stolen database costs an attacker that much work per guess and per account.
 *
 * <p>A hash is encoded as {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}, salt and hash in Base64 without
 * padding, so it carries what {@link #verify} needs: a hash made with another iteration count (an older
 * default, or a test's) still verifies. The password's characters are hashed as UTF-8.
 *
 * <p>Thread-safe. Neither the password nor the hash appears in an exception or {@link #toString()}.
 */
public final class PasswordHasher {
  /** The default iteration count. */
  public static final int DEFAULT_ITERATIONS = 600_000;
  /**
   * The most iterations a hash may ask for: {@link #verify} refuses encodings beyond it rather than spend
   * minutes on one that was tampered with.
   */
  public static final int MAX_ITERATIONS = 10_000_000;

  static final String SCHEME = "pbkdf2-sha256";
  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;
  private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
  private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

  private final int iterations;
  private final SecureRandom random = new SecureRandom();

  /** A hasher with {@value #DEFAULT_ITERATIONS} iterations. */
  public PasswordHasher() {
    this(DEFAULT_ITERATIONS);
  }

  /**
   * A hasher with another iteration count: fewer only for tests, more as hardware gets faster.
   *
   * @throws IllegalArgumentException unless 1 to {@value #MAX_ITERATIONS}
   */
  public PasswordHasher(int iterations) {
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("iterations must be 1 to " + MAX_ITERATIONS + ": " + iterations);
    }
    this.iterations = iterations;
  }

  /** The iteration count of the hashes this hasher makes. */
  public int iterations() {
    return iterations;
  }

  /** Hashes a password with a new random salt: the same password hashes differently every time. */
  public String hash(String password) {
    Objects.requireNonNull(password, "password");
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash = pbkdf2(password, salt, iterations);
    return SCHEME + "$" + iterations + "$" + BASE64.encodeToString(salt) + "$" + BASE64.encodeToString(hash);
  }

  /**
   * Whether {@code password} is the one {@code encoded} was made from. Compares in constant time. An
   * encoding that is not one of {@link #hash}'s (another scheme, a damaged field, too many iterations)
   * verifies nothing: the answer is false.
   */
  public boolean verify(String password, String encoded) {
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(encoded, "encoded");
    String[] parts = encoded.split("\\$", -1);
    if (parts.length != 4 || !parts[0].equals(SCHEME) || !parts[1].matches("[1-9][0-9]{0,7}")) {
      return false;
    }
    int count = Integer.parseInt(parts[1]);
    byte[] salt;
    byte[] expected;
    try {
      salt = Base64.getDecoder().decode(parts[2]);
      expected = Base64.getDecoder().decode(parts[3]);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (count > MAX_ITERATIONS || salt.length == 0 || expected.length != HASH_BYTES) {
      return false;
    }
    return MessageDigest.isEqual(pbkdf2(password, salt, count), expected);
  }

  /** The scheme and iteration count. */
  @Override
  public String toString() {
    return "PasswordHasher[" + SCHEME + ", " + iterations + " iterations]";
  }

  private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
    char[] chars = password.toCharArray();
    PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, HASH_BYTES * 8);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      // Every Java SE has PBKDF2WithHmacSHA256; its absence is a broken runtime. Only the type: the
      // cause's message is the provider's, and the spec held the password.
      throw new IllegalStateException(ALGORITHM + " failed: " + e.getClass().getName());
    } finally {
      spec.clearPassword();
      Arrays.fill(chars, '\0');
    }
  }
}
