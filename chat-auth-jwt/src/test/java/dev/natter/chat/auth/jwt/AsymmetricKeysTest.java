package dev.natter.chat.auth.jwt;

import static dev.natter.chat.auth.jwt.Refusals.assertRefused;
import static dev.natter.chat.auth.jwt.Tokens.CLOCK;
import static dev.natter.chat.auth.jwt.Tokens.EC;
import static dev.natter.chat.auth.jwt.Tokens.OTHER_EC;
import static dev.natter.chat.auth.jwt.Tokens.OTHER_RSA;
import static dev.natter.chat.auth.jwt.Tokens.RSA;
import static dev.natter.chat.auth.jwt.Tokens.claims;
import static dev.natter.chat.auth.jwt.Tokens.ecPublic;
import static dev.natter.chat.auth.jwt.Tokens.es256;
import static dev.natter.chat.auth.jwt.Tokens.hello;
import static dev.natter.chat.auth.jwt.Tokens.rs256;
import static dev.natter.chat.auth.jwt.Tokens.rsaPublic;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSASigner;
import dev.natter.chat.User;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AsymmetricKeysTest {
  private final JwtAuthenticator rs256 = JwtAuthenticator.rs256(rsaPublic(RSA)).clock(CLOCK).build();
  private final JwtAuthenticator es256 = JwtAuthenticator.es256(ecPublic(EC)).clock(CLOCK).build();

  @Test
  void aValidRs256TokenIsAccepted() {
    assertThat(rs256.authenticate(hello(rs256(claims(), RSA, null)))).isEqualTo(new User("alice", "alice"));
  }

  @Test
  void aValidEs256TokenIsAccepted() {
    assertThat(es256.authenticate(hello(es256(claims(), EC, null)))).isEqualTo(new User("alice", "alice"));
  }

  @Test
  void aKeyIdIsIgnoredWithASingleKey() {
    assertThat(rs256.authenticate(hello(rs256(claims(), RSA, "any-kid"))).id()).isEqualTo("alice");
  }

  @Test
  void aTokenSignedWithAnotherKeyIsRefused() {
    assertRefused(rs256, hello(rs256(claims(), OTHER_RSA, null)), "the token's signature is not valid");
    assertRefused(es256, hello(es256(claims(), OTHER_EC, null)), "the token's signature is not valid");
  }

  @Test
  void aTamperedPayloadIsRefused() {
    String rsaTampered = Tokens.withPayloadEdited(rs256(claims(), RSA, null), "\"alice\"", "\"admin\"");
    String ecTampered = Tokens.withPayloadEdited(es256(claims(), EC, null), "\"alice\"", "\"admin\"");

    assertRefused(rs256, hello(rsaTampered), "the token's signature is not valid");
    assertRefused(es256, hello(ecTampered), "the token's signature is not valid");
  }

  @Test
  void anHs256TokenSignedWithTheRsaPublicKeyIsRefused() {
    // Algorithm confusion: a verifier that took the algorithm from the token would check this HMAC
    // with the public key as its secret, and accept it.
    byte[] der = RSA.getPublic().getEncoded();
    byte[] pem = ("-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END PUBLIC KEY-----\n").getBytes(US_ASCII);

    for (byte[] publicKeyAsSecret : new byte[][] {der, pem}) {
      String confused = Tokens.hs256(claims(), publicKeyAsSecret);

      assertRefused(rs256, hello(confused), "the token's algorithm is not the one this server accepts");
    }
  }

  @Test
  void anHs256TokenSignedWithTheEcPublicKeyIsRefused() {
    String confused = Tokens.hs256(claims(), EC.getPublic().getEncoded());

    assertRefused(es256, hello(confused), "the token's algorithm is not the one this server accepts");
  }

  @Test
  void anotherAsymmetricAlgorithmIsRefused() {
    String ps256 = Tokens.sign(JWSAlgorithm.PS256, null, claims(), new RSASSASigner(RSA.getPrivate()));
    String rs512 = Tokens.sign(JWSAlgorithm.RS512, null, claims(), new RSASSASigner(RSA.getPrivate()));

    assertRefused(rs256, hello(ps256), "the token's algorithm is not the one this server accepts");
    assertRefused(rs256, hello(rs512), "the token's algorithm is not the one this server accepts");
    assertRefused(rs256, hello(es256(claims(), EC, null)),
        "the token's algorithm is not the one this server accepts");
    assertRefused(es256, hello(rs256(claims(), RSA, null)),
        "the token's algorithm is not the one this server accepts");
  }

  @Test
  void anUnsecuredTokenIsRefused() {
    assertRefused(rs256, hello(Tokens.unsecured("none", claims())), "unsigned tokens (alg none) are refused");
    assertRefused(es256, hello(Tokens.unsecured("none", claims())), "unsigned tokens (alg none) are refused");
  }

  @Test
  void claimsAreCheckedAfterTheSignature() {
    String expired = rs256(claims().expirationTime(Tokens.at(Tokens.NOW.minusSeconds(3600))), RSA, null);

    assertRefused(rs256, hello(expired), "the token has expired");
  }

  @Test
  void weakOrMismatchedKeysAreRejected() {
    assertThatThrownBy(() -> JwtAuthenticator.rs256(rsaPublic(Tokens.rsa(1024))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2048");
    assertThatThrownBy(() -> JwtAuthenticator.es256(ecPublic(Tokens.ec("secp384r1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("P-256");
  }

  @Test
  void toStringDescribesTheKey() {
    assertThat(rs256.toString()).startsWith("JwtAuthenticator[RS256 (2048-bit RSA key), issuer=any");
    assertThat(es256.toString()).startsWith("JwtAuthenticator[ES256 (P-256 key), issuer=any");
  }
}
