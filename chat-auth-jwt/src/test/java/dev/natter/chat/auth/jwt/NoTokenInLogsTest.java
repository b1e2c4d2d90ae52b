package dev.natter.chat.auth.jwt;

import static dev.natter.chat.auth.jwt.Refusals.assertNoPartOf;
import static dev.natter.chat.auth.jwt.Refusals.assertNoSecretIn;
import static dev.natter.chat.auth.jwt.Tokens.CLOCK;
import static dev.natter.chat.auth.jwt.Tokens.EC;
import static dev.natter.chat.auth.jwt.Tokens.NOW;
import static dev.natter.chat.auth.jwt.Tokens.RSA;
import static dev.natter.chat.auth.jwt.Tokens.SECRET;
import static dev.natter.chat.auth.jwt.Tokens.at;
import static dev.natter.chat.auth.jwt.Tokens.claims;
import static dev.natter.chat.auth.jwt.Tokens.hello;
import static dev.natter.chat.auth.jwt.Tokens.hs256;
import static dev.natter.chat.auth.jwt.Tokens.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.natter.chat.Authenticator.AuthRequest;
import dev.natter.chat.User;
import dev.natter.chat.auth.jwt.internal.JwksKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs good and bad tokens through the authenticators with their loggers at the finest level, and looks
 * for the tokens and the secret in everything logged. (System.Logger goes to java.util.logging here.)
 */
class NoTokenInLogsTest {
  private final List<String> logged = new ArrayList<>();
  private final List<Logger> loggers = List.of(
      Logger.getLogger(JwtAuthenticator.class.getName()), Logger.getLogger(JwksKeys.class.getName()));
  private final Handler capture = new Handler() {
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      synchronized (logged) {
        logged.add(formatter.format(record));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @TempDir Path dir;

  @BeforeEach
  void captureLogs() {
    capture.setLevel(Level.ALL);
    for (Logger logger : loggers) {
      logger.setLevel(Level.ALL);
      logger.addHandler(capture);
    }
  }

  @AfterEach
  void stopCapturing() {
    for (Logger logger : loggers) {
      logger.removeHandler(capture);
      logger.setLevel(null);
    }
  }

  @Test
  void refusalsAreLoggedWithTheirReasonButNeverWithTheToken() throws IOException {
    JwtAuthenticator hs256 =
        JwtAuthenticator.hs256(SECRET).issuer("login").audience("natter").clock(CLOCK).build();
    Path jwksFile = dir.resolve("jwks.json");
    Files.writeString(jwksFile, new JWKSet(List.of(
        new RSAKey.Builder(Tokens.rsaPublic(RSA)).keyID("r1").build(),
        new ECKey.Builder(Curve.P_256, Tokens.ecPublic(EC)).keyID("e1").build(),
        new OctetSequenceKey.Builder(SECRET).keyID("h1").build())).toString(false));
    JwtAuthenticator jwks = JwtAuthenticator.jwks(jwksFile).clock(CLOCK).build();
    Supplier<JWTClaimsSet.Builder> good = () -> claims().issuer("login").audience("natter");

    List<String> tokens = List.of(
        hs256(good.get()),
        hs256(good.get().expirationTime(at(NOW.minusSeconds(600)))),
        hs256(good.get().notBeforeTime(at(NOW.plusSeconds(600)))),
        hs256(good.get().issuer("https://evil.example/\nforged log line")),
        hs256(good.get().audience("billing")),
        hs256(good.get(), Tokens.OTHER_SECRET),
        hs256(good.get().subject("system")),
        hs256(good.get().claim("name", "<b>")),
        Tokens.withPayloadEdited(hs256(good.get()), "\"alice\"", "\"admin\""),
        Tokens.unsecured("none", good.get()),
        Tokens.hs256(good.get(), RSA.getPublic().getEncoded()),
        Tokens.rs256(good.get(), RSA, "r1"),
        Tokens.rs256(good.get(), RSA, "no-such-kid"),
        Tokens.es256(good.get(), EC, "r1"),
        "zxcvbnmasdfghjkl.qwertyuiop.lkjhgfdsa");

    for (String token : tokens) {
      for (AuthRequest request : List.of(hello(token), withHeader(null, "Bearer " + token))) {
        Object outcome = catchThrowable(() -> hs256.authenticate(request));
        catchThrowable(() -> jwks.authenticate(request));
        assertThat(outcome == null || outcome.toString().contains("auth_failed")).isTrue();
      }
    }
    assertThat(hs256.authenticate(hello(hs256(good.get())))).isEqualTo(new User("alice", "alice"));

    assertThat(logged).as("refusals are logged at DEBUG").hasSizeGreaterThan(tokens.size());
    assertThat(logged).anySatisfy(line -> assertThat(line).contains("the token has expired"));
    assertThat(logged).anySatisfy(line -> assertThat(line).contains("skipped key h1"));
    for (String line : logged) {
      for (String token : tokens) {
        assertNoPartOf(token, line);
      }
      assertNoSecretIn(line);
      assertThat(line).doesNotContain("forged log line\n");
    }
  }
}
