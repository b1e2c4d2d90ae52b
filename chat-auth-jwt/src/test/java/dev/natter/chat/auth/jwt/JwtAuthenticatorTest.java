package dev.natter.chat.auth.jwt;

import static dev.natter.chat.auth.jwt.Refusals.assertNoSecretIn;
import static dev.natter.chat.auth.jwt.Refusals.assertRefused;
import static dev.natter.chat.auth.jwt.Tokens.CLOCK;
import static dev.natter.chat.auth.jwt.Tokens.NOW;
import static dev.natter.chat.auth.jwt.Tokens.SECRET;
import static dev.natter.chat.auth.jwt.Tokens.at;
import static dev.natter.chat.auth.jwt.Tokens.claims;
import static dev.natter.chat.auth.jwt.Tokens.hello;
import static dev.natter.chat.auth.jwt.Tokens.hs256;
import static dev.natter.chat.auth.jwt.Tokens.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jwt.EncryptedJWT;
import dev.natter.chat.Authenticator.AuthRequest;
import dev.natter.chat.Handshake;
import dev.natter.chat.User;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwtAuthenticatorTest {
  private final JwtAuthenticator authenticator = JwtAuthenticator.hs256(SECRET).clock(CLOCK).build();

  @Test
  void aValidHs256TokenNamesItsSubjectAsTheUser() {
    assertThat(authenticator.authenticate(hello(hs256(claims())))).isEqualTo(new User("alice", "alice"));
  }

  @Test
  void theNameClaimIsTheDisplayName() {
    String token = hs256(claims().subject("u-42").claim("name", "Alice Smith"));

    assertThat(authenticator.authenticate(hello(token))).isEqualTo(new User("u-42", "Alice Smith"));
  }

  @Test
  void theNameAskedForInHelloIsIgnored() {
    AuthRequest request = new AuthRequest("mallory", hs256(claims()), Handshake.of(Tokens.REMOTE));

    assertThat(authenticator.authenticate(request).id()).isEqualTo("alice");
  }

  @Test
  void oneUserMayHoldSeveralSessions() {
    assertThat(authenticator.allowsConcurrentSessions()).isTrue();
  }

  @Test
  void aClientWithoutATokenIsRefused() {
    assertRefused(authenticator, hello(null), "a token is required");
    assertRefused(authenticator, new AuthRequest("alice", "  ", Handshake.of(Tokens.REMOTE)),
        "a token is required");
  }

  @Nested
  class Times {
    @Test
    void anExpiredTokenIsRefused() {
      String token =
          hs256(claims().issueTime(at(NOW.minusSeconds(3600))).expirationTime(at(NOW.minusSeconds(60))));

      assertRefused(authenticator, hello(token), "the token has expired");
    }

    @Test
    void aTokenWithoutExpiryIsRefused() {
      assertRefused(authenticator, hello(hs256(claims().expirationTime(null))),
          "the token has no expiry (exp)");
    }

    @Test
    void anExpiryThatIsNotATimeIsRefused() {
      assertRefused(authenticator, hello(hs256(claims().claim("exp", "tomorrow"))),
          "the token's claims are malformed");
    }

    @Test
    void theSkewIsAllowedAfterExpiry() {
      String within = hs256(claims().expirationTime(at(NOW.minusSeconds(29))));
      String atTheEdge = hs256(claims().expirationTime(at(NOW.minusSeconds(30))));

      assertThat(authenticator.authenticate(hello(within)).id()).isEqualTo("alice");
      assertRefused(authenticator, hello(atTheEdge), "the token has expired");
    }

    @Test
    void aTokenNotValidYetIsRefused() {
      String token = hs256(claims().notBeforeTime(at(NOW.plusSeconds(31))));

      assertRefused(authenticator, hello(token), "the token is not valid yet (nbf)");
    }

    @Test
    void theSkewIsAllowedBeforeNotBefore() {
      String token = hs256(claims().notBeforeTime(at(NOW.plusSeconds(30))));

      assertThat(authenticator.authenticate(hello(token)).id()).isEqualTo("alice");
    }

    @Test
    void aTokenIssuedInTheFutureIsRefusedBeyondTheSkew() {
      String within = hs256(claims().issueTime(at(NOW.plusSeconds(30))));
      String beyond = hs256(claims().issueTime(at(NOW.plusSeconds(31))));

      assertThat(authenticator.authenticate(hello(within)).id()).isEqualTo("alice");
      assertRefused(authenticator, hello(beyond), "the token was issued in the future (iat)");
    }

    @Test
    void theSkewIsConfigurable() {
      JwtAuthenticator strict = JwtAuthenticator.hs256(SECRET).clock(CLOCK).clockSkew(Duration.ZERO).build();
      JwtAuthenticator lenient =
          JwtAuthenticator.hs256(SECRET).clock(CLOCK).clockSkew(Duration.ofMinutes(5)).build();
      String expiredNow = hs256(claims().expirationTime(at(NOW)));
      String expiredFourMinutesAgo = hs256(claims().expirationTime(at(NOW.minusSeconds(240))));
      String validFromInFourMinutes = hs256(claims().notBeforeTime(at(NOW.plusSeconds(240))));

      assertRefused(strict, hello(expiredNow), "the token has expired");
      assertThat(strict.authenticate(hello(hs256(claims().expirationTime(at(NOW.plusSeconds(1)))))).id())
          .isEqualTo("alice");
      assertThat(lenient.authenticate(hello(expiredFourMinutesAgo)).id()).isEqualTo("alice");
      assertThat(lenient.authenticate(hello(validFromInFourMinutes)).id()).isEqualTo("alice");
    }

    @Test
    void aNegativeSkewIsRejected() {
      assertThatThrownBy(() -> JwtAuthenticator.hs256(SECRET).clockSkew(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Signatures {
    @Test
    void aTokenSignedWithAnotherSecretIsRefused() {
      assertRefused(authenticator, hello(hs256(claims(), Tokens.OTHER_SECRET)),
          "the token's signature is not valid");
    }

    @Test
    void aTokenWithAnotherTokensSignatureIsRefused() {
      String alice = hs256(claims());
      String bob = hs256(claims().subject("bob"));
      String forged = bob.substring(0, bob.lastIndexOf('.')) + alice.substring(alice.lastIndexOf('.'));

      assertRefused(authenticator, hello(forged), "the token's signature is not valid");
    }

    @Test
    void aTamperedPayloadIsRefused() {
      String tampered = Tokens.withPayloadEdited(hs256(claims()), "\"alice\"", "\"admin\"");

      assertRefused(authenticator, hello(tampered), "the token's signature is not valid");
    }

    @Test
    void aTokenWithoutSignatureIsRefused() {
      String token = hs256(claims());
      String stripped = token.substring(0, token.lastIndexOf('.') + 1);

      assertRefused(authenticator, hello(stripped), "the token is not a well-formed JWT");
    }

    @Test
    void anUnsecuredTokenIsRefused() {
      assertRefused(authenticator, hello(Tokens.unsecured("none", claims())),
          "unsigned tokens (alg none) are refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NONE", "None", "nOnE"})
    void anUnsecuredTokenSpelledOtherwiseIsRefused(String none) {
      // Not "none" to Nimbus either: read as a JWS with an unknown algorithm and no signature.
      assertRefused(authenticator, hello(Tokens.unsecured(none, claims())),
          "the token is not a well-formed JWT");
    }

    @Test
    void anotherHmacAlgorithmWithTheSameSecretIsRefused() {
      byte[] longSecret = Arrays.copyOf(SECRET, 64);
      JwtAuthenticator hs256 = JwtAuthenticator.hs256(longSecret).clock(CLOCK).build();
      String hs512 = Tokens.sign(JWSAlgorithm.HS512, null, claims(), Tokens.macSigner(longSecret));

      assertRefused(hs256, hello(hs512), "the token's algorithm is not the one this server accepts");
    }

    @Test
    void anEncryptedTokenIsRefused() throws JOSEException {
      JWEHeader header = new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256GCM);
      EncryptedJWT jwt = new EncryptedJWT(header, claims().build());
      jwt.encrypt(new DirectEncrypter(Arrays.copyOf(SECRET, 32)));

      assertRefused(authenticator, hello(jwt.serialize()), "encrypted tokens (JWE) are not accepted");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "qwertyuiopasdf", "e30.e30", "!!!!!!!!!.@@@@@@@@@.#########", "eyJhbGciOiJIUzI1NiJ9.bm9wZQ.c2ln"})
    void aMalformedTokenIsRefused(String token) {
      assertRefused(authenticator, hello(token), "the token");
    }

    @Test
    void anOverlongTokenIsRefusedBeforeParsing() {
      assertRefused(authenticator, hello("x".repeat(20_000)), "the token is too long");
    }

    @Test
    void aTypeOtherThanJwtIsRefused() {
      JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt")).build();
      String token = Tokens.sign(header, claims(), Tokens.macSigner(SECRET));

      assertRefused(authenticator, hello(token), "the token's type (typ) is not JWT");
    }

    @Test
    void aTypeOfJwtInAnyCaseOrNoneIsAccepted() {
      for (JOSEObjectType type : Arrays.asList(null, new JOSEObjectType("jwt"), JOSEObjectType.JWT)) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(type).build();

        String token = Tokens.sign(header, claims(), Tokens.macSigner(SECRET));

        assertThat(authenticator.authenticate(hello(token)).id()).isEqualTo("alice");
      }
    }
  }

  @Nested
  class IssuerAndAudience {
    private final JwtAuthenticator checking = JwtAuthenticator.hs256(SECRET)
        .issuer("https://login.example")
        .audience("natter")
        .clock(CLOCK)
        .build();

    @Test
    void aTokenFromTheIssuerForTheAudienceIsAccepted() {
      String token = hs256(claims().issuer("https://login.example").audience(List.of("billing", "natter")));

      assertThat(checking.authenticate(hello(token)).id()).isEqualTo("alice");
    }

    @Test
    void aWrongAudienceIsRefused() {
      String token = hs256(claims().issuer("https://login.example").audience("billing"));

      assertRefused(checking, hello(token), "the token's audience (aud) is not accepted");
    }

    @Test
    void aMissingAudienceIsRefused() {
      assertRefused(checking, hello(hs256(claims().issuer("https://login.example"))),
          "the token's audience (aud) is not accepted");
    }

    @Test
    void aWrongIssuerIsRefused() {
      String token = hs256(claims().issuer("https://evil.example").audience("natter"));

      assertRefused(checking, hello(token), "the token's issuer (iss) is not accepted");
    }

    @Test
    void aMissingIssuerIsRefused() {
      assertRefused(checking, hello(hs256(claims().audience("natter"))),
          "the token's issuer (iss) is not accepted");
    }

    @Test
    void withoutConfigurationIssuerAndAudienceAreNotChecked() {
      String token = hs256(claims().issuer("https://anyone.example").audience("anything"));

      assertThat(authenticator.authenticate(hello(token)).id()).isEqualTo("alice");
    }
  }

  @Nested
  class Users {
    @Test
    void aTokenWithoutSubjectIsRefused() {
      assertRefused(authenticator, hello(hs256(claims().subject(null))), "the token has no subject (sub)");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "a:b", "tab\there", "x12345678901234567890123456789012345678901234567890123456789012345"})
    void aSubjectThatIsNotAValidUserIdIsRefused(String subject) {
      assertRefused(authenticator, hello(hs256(claims().subject(subject))),
          "the token's subject (sub) is not a valid user id");
    }

    @Test
    void aSubjectThatIsNotAValidNameNeedsANameClaim() {
      String withoutName = hs256(claims().subject("auth0|1234"));
      String withName = hs256(claims().subject("auth0|1234").claim("name", "Alice"));

      assertRefused(authenticator, hello(withoutName),
          "the token has no name claim and its subject (sub) is not a valid user name");
      assertThat(authenticator.authenticate(hello(withName))).isEqualTo(new User("auth0|1234", "Alice"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " alice", "<script>", "a123456789012345678901234567890123"})
    void aNameClaimThatIsNotAValidUserNameIsRefused(String name) {
      assertRefused(authenticator, hello(hs256(claims().claim("name", name))),
          "the token's name claim is not a valid user name");
    }

    @Test
    void aNameClaimThatIsNotAStringIsRefused() {
      assertRefused(authenticator, hello(hs256(claims().claim("name", 42))),
          "the token's name claim is not a string");
    }

    @ParameterizedTest
    @ValueSource(strings = {"system", "System", "SYSTEM"})
    void theServersOwnUserIsRefused(String system) {
      assertRefused(authenticator, hello(hs256(claims().subject(system))), "the token names a reserved user");
      assertRefused(authenticator, hello(hs256(claims().claim("name", system))),
          "the token names a reserved user");
    }
  }

  @Nested
  class AuthorizationHeader {
    @ParameterizedTest
    @ValueSource(strings = {"Bearer ", "bearer ", "BEARER   "})
    void aBearerTokenInTheHandshakeIsUsedWithoutOneInHello(String scheme) {
      AuthRequest request = withHeader(null, scheme + hs256(claims()));

      assertThat(authenticator.authenticate(request).id()).isEqualTo("alice");
    }

    @Test
    void helloTokenWinsOverTheHeader() {
      String alice = hs256(claims());
      String bob = hs256(claims().subject("bob"));

      assertThat(authenticator.authenticate(withHeader(alice, "Bearer " + bob)).id()).isEqualTo("alice");
    }

    @Test
    void aBadHelloTokenIsRefusedEvenWithAGoodHeader() {
      String bad = hs256(claims(), Tokens.OTHER_SECRET);

      assertRefused(authenticator, withHeader(bad, "Bearer " + hs256(claims())),
          "the token's signature is not valid");
    }

    @Test
    void aBlankHelloTokenLeavesTheHeader() {
      assertThat(authenticator.authenticate(withHeader("",
          "Bearer " + hs256(claims()))).id()).isEqualTo("alice");
    }

    @Test
    void aBadHeaderTokenIsRefused() {
      assertRefused(authenticator, withHeader(null, "Bearer " + Tokens.unsecured("none", claims())),
          "alg none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic YWxpY2U6cGFzc3dvcmQ=", "Bearer", "Bearer    ", "Token abcdefghijklmnop"})
    void anotherSchemeOrAnEmptyBearerIsNoToken(String authorization) {
      assertRefused(authenticator, withHeader(null, authorization), "a token is required");
    }
  }

  @Nested
  class Configuration {
    @Test
    void aSecretShorterThan32BytesIsRejected() {
      byte[] shortSecret = Arrays.copyOf(SECRET, 31);

      assertThatThrownBy(() -> JwtAuthenticator.hs256(shortSecret))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least 32 bytes")
          .satisfies(e -> assertThat(e.getMessage())
              .doesNotContain(new String(shortSecret, StandardCharsets.US_ASCII)));
      assertThat(JwtAuthenticator.hs256(Arrays.copyOf(SECRET, 32)).build()).isNotNull();
    }

    @Test
    void theSecretIsCopied() {
      byte[] secret = SECRET.clone();
      JwtAuthenticator copied = JwtAuthenticator.hs256(secret).clock(CLOCK).build();
      Arrays.fill(secret, (byte) 0);

      assertThat(copied.authenticate(hello(hs256(claims()))).id()).isEqualTo("alice");
    }

    @Test
    void toStringNamesTheSettingsButNotTheSecret() {
      JwtAuthenticator configured =
          JwtAuthenticator.hs256(SECRET).issuer("https://login.example").audience("natter").build();

      assertThat(configured.toString())
          .isEqualTo("JwtAuthenticator[HS256, issuer=https://login.example, audience=natter,"
              + " clockSkew=PT30S]");
      assertNoSecretIn(configured.toString());
    }
  }
}
