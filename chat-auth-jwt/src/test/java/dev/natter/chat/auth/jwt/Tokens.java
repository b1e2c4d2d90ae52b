package dev.natter.chat.auth.jwt;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.natter.chat.Authenticator.AuthRequest;
import dev.natter.chat.Handshake;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** Keys, a fixed clock and token builders for the tests; tokens are made with Nimbus. */
final class Tokens {
  static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /** 39 ASCII bytes, so the tests can look for it as text in messages and logs. */
  static final byte[] SECRET = "natter-test-secret-0123456789-abcdefghi".getBytes(US_ASCII);
  static final byte[] OTHER_SECRET = "another-secret-of-enough-length-9876543210".getBytes(US_ASCII);

  static final KeyPair RSA = rsa(2048);
  static final KeyPair OTHER_RSA = rsa(2048);
  static final KeyPair EC = ec("secp256r1");
  static final KeyPair OTHER_EC = ec("secp256r1");

  static final String REMOTE = "127.0.0.1:50123";

  private Tokens() {}

  /** Valid claims for alice: {@code sub}, {@code iat} now, {@code exp} in five minutes. */
  static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .subject("alice")
        .issueTime(at(NOW))
        .expirationTime(at(NOW.plus(Duration.ofMinutes(5))));
  }

  static Date at(Instant instant) {
    return Date.from(instant);
  }

  static String hs256(JWTClaimsSet.Builder claims) {
    return hs256(claims, SECRET);
  }

  static String hs256(JWTClaimsSet.Builder claims, byte[] secret) {
    return sign(JWSAlgorithm.HS256, null, claims, macSigner(secret));
  }

  static String rs256(JWTClaimsSet.Builder claims, KeyPair keys, String kid) {
    return sign(JWSAlgorithm.RS256, kid, claims, new RSASSASigner(keys.getPrivate()));
  }

  static String es256(JWTClaimsSet.Builder claims, KeyPair keys, String kid) {
    try {
      return sign(JWSAlgorithm.ES256, kid, claims, new ECDSASigner((ECPrivateKey) keys.getPrivate()));
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  static MACSigner macSigner(byte[] secret) {
    try {
      return new MACSigner(secret);
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  static String sign(JWSAlgorithm algorithm, String kid, JWTClaimsSet.Builder claims, JWSSigner signer) {
    return sign(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(kid).build(), claims, signer);
  }

  static String sign(JWSHeader header, JWTClaimsSet.Builder claims, JWSSigner signer) {
    SignedJWT jwt = new SignedJWT(header, claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
    return jwt.serialize();
  }

  /** The token with {@code from} replaced by {@code to} in its payload's JSON, and its signature kept. */
  static String withPayloadEdited(String token, String from, String to) {
    String[] parts = token.split("\\.", -1);
    String json = new String(Base64.getUrlDecoder().decode(parts[1]), UTF_8);
    if (!json.contains(from)) {
      throw new AssertionError("no " + from + " in the payload");
    }
    String edited =
        Base64.getUrlEncoder().withoutPadding().encodeToString(json.replace(from, to).getBytes(UTF_8));
    return parts[0] + "." + edited + "." + parts[2];
  }

  /** A hand-assembled unsecured token: header {@code {"alg":"none"}} and an empty signature. */
  static String unsecured(String alg, JWTClaimsSet.Builder claims) {
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    String header = encoder.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(UTF_8));
    String payload = encoder.encodeToString(claims.build().toString().getBytes(UTF_8));
    return header + "." + payload + ".";
  }

  static AuthRequest hello(String token) {
    return new AuthRequest(null, token, Handshake.of(REMOTE));
  }

  static AuthRequest withHeader(String helloToken, String authorization) {
    return new AuthRequest(
        null, helloToken, new Handshake(REMOTE, Map.of("Authorization", List.of(authorization)), null));
  }

  static RSAPublicKey rsaPublic(KeyPair keys) {
    return (RSAPublicKey) keys.getPublic();
  }

  static ECPublicKey ecPublic(KeyPair keys) {
    return (ECPublicKey) keys.getPublic();
  }

  static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static KeyPair ec(String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
