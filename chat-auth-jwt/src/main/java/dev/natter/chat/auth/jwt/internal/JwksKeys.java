package dev.natter.chat.auth.jwt.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The keys of a JWKS file, chosen by {@code kid}. Each key is pinned to the one algorithm its type is
 * for: an RSA key to RS256, an EC P-256 key to ES256. Keys of other types, curves or algorithms, keys for
 * encryption, RSA keys under 2048 bits and keys without a {@code kid} are skipped (logged at DEBUG). Only
 * the public part of a key is kept, even when the file holds a private one.
 */
public final class JwksKeys implements KeyResolver {
  private static final System.Logger LOG = System.getLogger(JwksKeys.class.getName());

  private final Path file;
  private final Map<String, PinnedKey> byKid;

  private JwksKeys(Path file, Map<String, PinnedKey> byKid) {
    this.file = file;
    this.byKid = Collections.unmodifiableMap(new LinkedHashMap<>(byKid));
  }

  /**
   * Reads and checks a JWKS file.
   *
   * @throws UncheckedIOException when the file cannot be read
   * @throws IllegalArgumentException when it is not a JWKS, has no usable key or two usable keys with
   *     one {@code kid}
   */
  public static JwksKeys load(Path file) {
    JWKSet set;
    try {
      set = JWKSet.parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the JWKS file " + file, e);
    } catch (ParseException e) {
      throw new IllegalArgumentException("not a valid JWKS file: " + file, e);
    }
    Map<String, PinnedKey> byKid = new LinkedHashMap<>();
    for (JWK jwk : set.getKeys()) {
      PinnedKey key = usable(jwk, file);
      if (key == null) {
        continue;
      }
      if (byKid.putIfAbsent(jwk.getKeyID(), key) != null) {
        throw new IllegalArgumentException(
            "the JWKS file " + file + " has two keys with kid " + jwk.getKeyID());
      }
    }
    if (byKid.isEmpty()) {
      throw new IllegalArgumentException("the JWKS file " + file + " has no usable key: an RSA key of"
          + " at least 2048 bits (RS256) or an EC P-256 key (ES256), for signatures, with a kid");
    }
    return new JwksKeys(file, byKid);
  }

  /** The key pinned to its algorithm, or {@code null} when this authenticator cannot use it. */
  private static PinnedKey usable(JWK jwk, Path file) {
    String kid = jwk.getKeyID();
    String skipped = null;
    PinnedKey key = null;
    try {
      if (kid == null) {
        skipped = "it has no kid";
      } else if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
        skipped = "it is not for signatures";
      } else if (jwk.getKeyOperations() != null
          && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
        skipped = "its key_ops lack verify";
      } else if (jwk instanceof RSAKey rsa) {
        if (jwk.getAlgorithm() != null && !JWSAlgorithm.RS256.equals(jwk.getAlgorithm())) {
          skipped = "its alg is not RS256";
        } else if (rsa.size() < PinnedKey.MIN_RSA_BITS) {
          skipped = "it is shorter than " + PinnedKey.MIN_RSA_BITS + " bits";
        } else {
          key = PinnedKey.rs256(rsa.toRSAPublicKey());
        }
      } else if (jwk instanceof ECKey ec) {
        if (!Curve.P_256.equals(ec.getCurve())) {
          skipped = "it is not on curve P-256";
        } else if (jwk.getAlgorithm() != null && !JWSAlgorithm.ES256.equals(jwk.getAlgorithm())) {
          skipped = "its alg is not ES256";
        } else {
          key = PinnedKey.es256(ec.toECPublicKey());
        }
      } else {
        skipped = "its type " + jwk.getKeyType() + " is neither RSA nor EC";
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the JWKS file " + file + " has an invalid key " + kid, e);
    }
    if (key == null) {
      String why = skipped;
      LOG.log(Level.DEBUG, () -> "JWKS " + file + ": skipped key " + kid + " because " + why);
    }
    return key;
  }

  @Override
  public PinnedKey keyFor(JWSHeader header) throws TokenRefusedException {
    String kid = header.getKeyID();
    if (kid == null) {
      throw new TokenRefusedException("the token has no key id (kid)");
    }
    PinnedKey key = byKid.get(kid);
    if (key == null) {
      throw new TokenRefusedException("the token's key id (kid) is unknown",
          "no key " + LogText.quote(kid) + " in " + file);
    }
    return key.requireAlgorithm(header);
  }

  @Override
  public String describe() {
    return "JWKS " + file + " (" + byKid.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue().algorithm())
        .collect(Collectors.joining(", ")) + ")";
  }
}
