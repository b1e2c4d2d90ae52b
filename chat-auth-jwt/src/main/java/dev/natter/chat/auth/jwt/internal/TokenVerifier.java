package dev.natter.chat.auth.jwt.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.natter.chat.User;
import java.text.ParseException;
import java.util.List;
import java.util.Objects;

/**
 * Verifies a compact JWS and returns the user it names: the form, the algorithm and key (pinned by the
 * {@link KeyResolver}), the signature (Nimbus's {@link DefaultJWTProcessor}), then the
 * {@link ClaimRules}. Thread-safe.
 */
public final class TokenVerifier {
  /** Longer tokens are refused before parsing; real ones are well under 2 KiB. */
  static final int MAX_TOKEN_CHARS = 8 * 1024;

  private final KeyResolver keys;
  private final ClaimRules rules;
  private final DefaultJWTProcessor<PinnedKey> processor = new DefaultJWTProcessor<>();

  /** Creates a verifier for the keys and the claim rules. */
  public TokenVerifier(KeyResolver keys, ClaimRules rules) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.rules = Objects.requireNonNull(rules, "rules");
    // The context is the key chosen for this token; the algorithm is checked a second time here, so
    // the processor never verifies with an algorithm the key is not pinned to.
    processor.setJWSKeySelector((header, key) ->
        key.algorithm().equals(header.getAlgorithm()) ? List.of(key.key()) : List.of());
    // The claims are checked by ClaimRules, after the signature, with the configured clock.
    processor.setJWTClaimsSetVerifier(null);
  }

  /**
   * Returns the user the token names.
   *
   * @throws TokenRefusedException when the token breaks a rule
   */
  public User verify(String token) throws TokenRefusedException {
    try {
      SignedJWT jwt = parse(token);
      PinnedKey key = keys.keyFor(jwt.getHeader());
      return rules.check(process(jwt, key));
    } catch (RuntimeException e) {
      // Whatever a library throws on hostile input is a refusal, not a server fault. Its message is
      // left out: it could quote the token.
      throw new TokenRefusedException("the token could not be checked", e.getClass().getName());
    }
  }

  private static SignedJWT parse(String token) throws TokenRefusedException {
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new TokenRefusedException("the token is too long", token.length() + " chars");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new TokenRefusedException("the token is not a well-formed JWT");
    }
    if (jwt instanceof PlainJWT) {
      throw new TokenRefusedException("unsigned tokens (alg none) are refused");
    }
    if (jwt instanceof EncryptedJWT) {
      throw new TokenRefusedException("encrypted tokens (JWE) are not accepted");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw new TokenRefusedException("the token is not a well-formed JWT");
    }
    JOSEObjectType type = signed.getHeader().getType();
    if (type != null && !JOSEObjectType.JWT.equals(type)) {
      throw new TokenRefusedException("the token's type (typ) is not JWT", "typ " + LogText.quote(type));
    }
    return signed;
  }

  private JWTClaimsSet process(SignedJWT jwt, PinnedKey key) throws TokenRefusedException {
    try {
      return processor.process(jwt, key);
    } catch (BadJWSException e) {
      throw new TokenRefusedException(
          "the token's signature is not valid", describe(jwt.getHeader(), key, e));
    } catch (BadJWTException e) {
      throw new TokenRefusedException("the token's claims are malformed", LogText.quote(e.getMessage()));
    } catch (BadJOSEException e) {
      throw new TokenRefusedException("the token was refused", describe(jwt.getHeader(), key, e));
    } catch (JOSEException e) {
      throw new TokenRefusedException(
          "the token's signature could not be checked", describe(jwt.getHeader(), key, e));
    }
  }

  private static String describe(JWSHeader header, PinnedKey key, Exception e) {
    return e.getMessage() + " (key " + key.description() + ", kid " + LogText.quote(header.getKeyID()) + ")";
  }
}
