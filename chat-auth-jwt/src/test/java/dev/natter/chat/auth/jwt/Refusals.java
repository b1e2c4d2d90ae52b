package dev.natter.chat.auth.jwt;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.natter.chat.Authenticator;
import dev.natter.chat.Authenticator.AuthRequest;
import dev.natter.chat.ChatException;
import dev.natter.chat.ChatStatus;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The one way the tests check a refusal: {@code auth_failed}, the rule it names, and nothing of the token
 * or the secret in anything the refusal carries.
 */
final class Refusals {
  private Refusals() {}

  /** Asserts the request is refused with {@code auth_failed} and a message containing {@code rule}. */
  static ChatException assertRefused(Authenticator authenticator, AuthRequest request, String rule) {
    ChatException refusal =
        catchThrowableOfType(ChatException.class, () -> authenticator.authenticate(request));
    assertThat(refusal).as("refused").isNotNull();
    assertThat(refusal.code()).isEqualTo(ChatStatus.Code.AUTH_FAILED);
    assertThat(refusal.status().message()).contains(rule);
    List<String> texts = new ArrayList<>(List.of(
        String.valueOf(refusal.getMessage()), refusal.toString(), refusal.status().toString(),
        String.valueOf(refusal.getCause()), authenticator.toString()));
    for (String text : texts) {
      assertNoPartOf(request.token(), text);
      request.handshake().headers().values().forEach(values -> values.forEach(v -> assertNoPartOf(v, text)));
      assertNoSecretIn(text);
    }
    return refusal;
  }

  /**
   * Asserts {@code text} holds neither the token nor any of its dot-separated parts (for an
   * {@code Authorization} value, neither the value nor the token after the scheme).
   */
  static void assertNoPartOf(String token, String text) {
    if (token == null || token.isBlank()) {
      return;
    }
    assertThat(text).doesNotContain(token.strip());
    for (String word : token.strip().split(" ")) {
      for (String part : word.split("\\.")) {
        if (part.length() >= 8) {
          assertThat(text).as("a part of the token").doesNotContain(part);
        }
      }
    }
  }

  /** Asserts {@code text} holds neither test secret, as text, Base64, Base64url or hex. */
  static void assertNoSecretIn(String text) {
    for (byte[] secret : List.of(Tokens.SECRET, Tokens.OTHER_SECRET)) {
      assertThat(text)
          .doesNotContain(new String(secret, US_ASCII))
          .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(secret))
          .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(secret))
          .doesNotContainIgnoringCase(HexFormat.of().formatHex(secret));
    }
  }
}
