package dev.natter.chat.auth.jwt;

import static dev.natter.chat.auth.jwt.Refusals.assertNoSecretIn;
import static dev.natter.chat.auth.jwt.Refusals.assertRefused;
import static dev.natter.chat.auth.jwt.Tokens.CLOCK;
import static dev.natter.chat.auth.jwt.Tokens.NOW;
import static dev.natter.chat.auth.jwt.Tokens.SECRET;
import static dev.natter.chat.auth.jwt.Tokens.hello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.natter.chat.User;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class JwtIssuerTest {
  private final JwtIssuer issuer = JwtIssuer.hs256(SECRET)
      .issuer("natter-login")
      .audience("natter")
      .lifetime(Duration.ofMinutes(10))
      .clock(CLOCK)
      .build();

  private static JwtAuthenticator authenticatorAt(Clock clock) {
    return JwtAuthenticator.hs256(SECRET).issuer("natter-login").audience("natter").clock(clock).build();
  }

  @Test
  void anIssuedTokenIsAcceptedByTheAuthenticator() {
    User alice = new User("u-42", "Alice Smith");

    assertThat(authenticatorAt(CLOCK).authenticate(hello(issuer.issue(alice)))).isEqualTo(alice);
  }

  @Test
  void anIssuedTokenCarriesTheUserTheTimesAndAnId() throws ParseException {
    SignedJWT jwt = SignedJWT.parse(issuer.issue(new User("u-42", "Alice Smith")));
    JWTClaimsSet claims = jwt.getJWTClaimsSet();

    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
    assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
    assertThat(claims.getSubject()).isEqualTo("u-42");
    assertThat(claims.getStringClaim("name")).isEqualTo("Alice Smith");
    assertThat(claims.getIssuer()).isEqualTo("natter-login");
    assertThat(claims.getAudience()).isEqualTo(List.of("natter"));
    assertThat(claims.getIssueTime()).isEqualTo(Date.from(NOW));
    assertThat(claims.getExpirationTime()).isEqualTo(Date.from(NOW.plus(Duration.ofMinutes(10))));
    assertThat(claims.getJWTID()).isNotBlank();
    assertThat(issuer.lifetime()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void everyTokenHasItsOwnId() throws ParseException {
    User alice = new User("alice", "alice");

    assertThat(SignedJWT.parse(issuer.issue(alice)).getJWTClaimsSet().getJWTID())
        .isNotEqualTo(SignedJWT.parse(issuer.issue(alice)).getJWTClaimsSet().getJWTID());
  }

  @Test
  void anIssuedTokenExpiresAfterItsLifetime() {
    String token = issuer.issue(new User("alice", "alice"));
    Clock later = Clock.fixed(NOW.plus(Duration.ofMinutes(10)).plusSeconds(30), ZoneOffset.UTC);

    assertRefused(authenticatorAt(later), hello(token), "the token has expired");
  }

  @Test
  void anAuthenticatorWithAnotherSecretRefusesIt() {
    String token = issuer.issue(new User("alice", "alice"));
    JwtAuthenticator other = JwtAuthenticator.hs256(Tokens.OTHER_SECRET).clock(CLOCK).build();

    assertRefused(other, hello(token), "the token's signature is not valid");
  }

  @Test
  void anAuthenticatorForAnotherAudienceRefusesIt() {
    String token = issuer.issue(new User("alice", "alice"));
    JwtAuthenticator other = JwtAuthenticator.hs256(SECRET).audience("billing").clock(CLOCK).build();

    assertRefused(other, hello(token), "the token's audience (aud) is not accepted");
  }

  @Test
  void theServersOwnUserGetsNoToken() {
    assertThatThrownBy(() -> issuer.issue(User.SYSTEM)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> issuer.issue(new User("u-1",
        "System"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSecretShorterThan32BytesIsRejected() {
    assertThatThrownBy(() -> JwtIssuer.hs256(Arrays.copyOf(SECRET, 31)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 bytes");
  }

  @Test
  void aLifetimeMustBePositive() {
    assertThatThrownBy(() -> JwtIssuer.hs256(SECRET).lifetime(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JwtIssuer.hs256(SECRET).lifetime(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSecretIsCopied() {
    byte[] secret = SECRET.clone();
    JwtIssuer.Builder builder = JwtIssuer.hs256(secret).clock(CLOCK);
    Arrays.fill(secret, (byte) 0);

    assertThat(JwtAuthenticator.hs256(SECRET).clock(CLOCK).build()
        .authenticate(hello(builder.build().issue(new User("alice", "alice")))).id()).isEqualTo("alice");
  }

  @Test
  void toStringNamesTheSettingsButNotTheSecret() {
    assertThat(issuer.toString())
        .isEqualTo("JwtIssuer[HS256, issuer=natter-login, audience=natter, lifetime=PT10M]");
    assertNoSecretIn(issuer.toString());
  }
}
