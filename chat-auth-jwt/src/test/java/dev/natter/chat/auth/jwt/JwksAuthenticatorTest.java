package dev.natter.chat.auth.jwt;

import static dev.natter.chat.auth.jwt.Refusals.assertRefused;
import static dev.natter.chat.auth.jwt.Tokens.CLOCK;
import static dev.natter.chat.auth.jwt.Tokens.EC;
import static dev.natter.chat.auth.jwt.Tokens.OTHER_RSA;
import static dev.natter.chat.auth.jwt.Tokens.RSA;
import static dev.natter.chat.auth.jwt.Tokens.claims;
import static dev.natter.chat.auth.jwt.Tokens.ecPublic;
import static dev.natter.chat.auth.jwt.Tokens.es256;
import static dev.natter.chat.auth.jwt.Tokens.hello;
import static dev.natter.chat.auth.jwt.Tokens.rs256;
import static dev.natter.chat.auth.jwt.Tokens.rsaPublic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.natter.chat.User;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwksAuthenticatorTest {
  private static final JWK RSA_KEY = new RSAKey.Builder(rsaPublic(RSA)).keyID("r1").build();
  private static final JWK EC_KEY = new ECKey.Builder(Curve.P_256, ecPublic(EC)).keyID("e1").build();

  @TempDir Path dir;

  private JwtAuthenticator authenticatorFor(JWK... keys) throws IOException {
    Path file = dir.resolve("jwks.json");
    // toString(false) keeps private members, as a careless file might.
    Files.writeString(file, new JWKSet(List.of(keys)).toString(false));
    return JwtAuthenticator.jwks(file).clock(CLOCK).build();
  }

  @Test
  void tokensSignedWithEitherKeyAreAcceptedByKid() throws IOException {
    JwtAuthenticator authenticator = authenticatorFor(RSA_KEY, EC_KEY);

    assertThat(authenticator.authenticate(hello(rs256(claims(), RSA, "r1"))))
        .isEqualTo(new User("alice", "alice"));
    assertThat(authenticator.authenticate(hello(es256(claims().subject("bob"), EC, "e1"))))
        .isEqualTo(new User("bob", "bob"));
  }

  @Test
  void anUnknownKidIsRefused() throws IOException {
    assertRefused(authenticatorFor(RSA_KEY, EC_KEY), hello(rs256(claims(), RSA, "r2")),
        "the token's key id (kid) is unknown");
  }

  @Test
  void aTokenWithoutKidIsRefused() throws IOException {
    assertRefused(authenticatorFor(RSA_KEY, EC_KEY), hello(rs256(claims(), RSA, null)),
        "the token has no key id (kid)");
  }

  @Test
  void aKidOfAKeyOfAnotherTypeIsRefused() throws IOException {
    JwtAuthenticator authenticator = authenticatorFor(RSA_KEY, EC_KEY);

    assertRefused(authenticator, hello(rs256(claims(), RSA, "e1")),
        "the token's algorithm is not the one this server accepts");
    assertRefused(authenticator, hello(es256(claims(), EC, "r1")),
        "the token's algorithm is not the one this server accepts");
  }

  @Test
  void anHs256TokenSignedWithAPublicKeyIsRefused() throws IOException {
    JwtAuthenticator authenticator = authenticatorFor(RSA_KEY, EC_KEY);
    String confused = Tokens.sign(JWSAlgorithm.HS256,
        "r1", claims(), Tokens.macSigner(RSA.getPublic().getEncoded()));

    assertRefused(authenticator, hello(confused), "the token's algorithm is not the one this server accepts");
  }

  @Test
  void aTokenSignedWithAnotherKeyUnderAKnownKidIsRefused() throws IOException {
    assertRefused(authenticatorFor(RSA_KEY, EC_KEY), hello(rs256(claims(), OTHER_RSA, "r1")),
        "the token's signature is not valid");
  }

  @Test
  void claimsAreStillChecked() throws IOException {
    String expired = rs256(claims().expirationTime(Tokens.at(Tokens.NOW.minusSeconds(3600))), RSA, "r1");

    assertRefused(authenticatorFor(RSA_KEY), hello(expired), "the token has expired");
  }

  @Test
  void symmetricAndEncryptionKeysAreSkipped() throws IOException {
    OctetSequenceKey oct = new OctetSequenceKey.Builder(Tokens.SECRET).keyID("h1").build();
    JWK forEncryption =
        new RSAKey.Builder(rsaPublic(OTHER_RSA)).keyID("enc").keyUse(KeyUse.ENCRYPTION).build();
    JwtAuthenticator authenticator = authenticatorFor(oct, forEncryption, RSA_KEY);
    String hs256 = Tokens.sign(JWSAlgorithm.HS256, "h1", claims(), Tokens.macSigner(Tokens.SECRET));

    assertRefused(authenticator, hello(hs256), "the token's key id (kid) is unknown");
    assertRefused(authenticator, hello(rs256(claims(), OTHER_RSA, "enc")),
        "the token's key id (kid) is unknown");
    assertThat(authenticator.toString()).contains("r1 RS256").doesNotContain("h1 ").doesNotContain("enc ");
  }

  @Test
  void aFileWithPrivateKeysKeepsOnlyTheirPublicHalves() throws IOException {
    RSAKey withPrivate = new RSAKey.Builder(rsaPublic(RSA))
        .privateKey((RSAPrivateKey) RSA.getPrivate())
        .keyID("r1")
        .build();
    ECKey ecWithPrivate = new ECKey.Builder(Curve.P_256, ecPublic(EC))
        .privateKey((ECPrivateKey) EC.getPrivate())
        .keyID("e1")
        .build();
    JwtAuthenticator authenticator = authenticatorFor(withPrivate, ecWithPrivate);

    assertThat(authenticator.authenticate(hello(rs256(claims(), RSA, "r1"))).id()).isEqualTo("alice");
    assertThat(authenticator.toString())
        .doesNotContain(withPrivate.getPrivateExponent().toString())
        .doesNotContain(ecWithPrivate.getD().toString());
  }

  @Test
  void aFileWithoutUsableKeysIsRejected() throws IOException {
    Path file = dir.resolve("jwks.json");
    OctetSequenceKey oct = new OctetSequenceKey.Builder(Tokens.SECRET).keyID("h1").build();
    Files.writeString(file, new JWKSet(oct).toString(false));

    assertThatThrownBy(() -> JwtAuthenticator.jwks(file).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no usable key");
  }

  @Test
  void twoUsableKeysWithOneKidAreRejected() {
    JWK twin = new ECKey.Builder(Curve.P_256, ecPublic(EC)).keyID("r1").build();

    assertThatThrownBy(() -> authenticatorFor(RSA_KEY, twin))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two keys with kid r1");
  }

  @Test
  void aKeyWithoutKidIsSkipped() throws IOException {
    JWK withoutKid = new RSAKey.Builder(rsaPublic(OTHER_RSA)).build();
    JwtAuthenticator authenticator = authenticatorFor(withoutKid, RSA_KEY);

    assertThat(authenticator.toString()).contains("(r1 RS256)");
  }

  @Test
  void anRsaKeyPinnedToAnotherAlgorithmIsSkipped() throws IOException {
    JWK ps256 = new RSAKey.Builder(rsaPublic(OTHER_RSA)).keyID("p1").algorithm(JWSAlgorithm.PS256).build();

    assertThat(authenticatorFor(ps256, RSA_KEY).toString()).contains("(r1 RS256)");
  }

  @Test
  void theFileIsReadByBuild() throws IOException {
    Path file = dir.resolve("later.json");
    JwtAuthenticator.Builder builder = JwtAuthenticator.jwks(file).clock(CLOCK);
    Files.writeString(file, new JWKSet(RSA_KEY).toString());

    assertThat(builder.build().authenticate(hello(rs256(claims(), RSA, "r1"))).id()).isEqualTo("alice");
  }

  @Test
  void aMissingOrBrokenFileIsRejected() throws IOException {
    assertThatThrownBy(() -> JwtAuthenticator.jwks(dir.resolve("missing.json")).build())
        .isInstanceOf(UncheckedIOException.class);
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"keys\": [{\"kty\": \"RSA\", \"n\": 1}]}");
    assertThatThrownBy(() -> JwtAuthenticator.jwks(broken).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a valid JWKS file");
  }

  @Test
  void toStringListsTheKeyIds() throws IOException {
    assertThat(authenticatorFor(RSA_KEY, EC_KEY).toString())
        .startsWith("JwtAuthenticator[JWKS ")
        .contains("(r1 RS256, e1 ES256)");
  }
}
