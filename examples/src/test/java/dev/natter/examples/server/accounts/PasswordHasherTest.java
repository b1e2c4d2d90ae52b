package dev.natter.examples.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {
  /** Few iterations: these tests are about the encoding and the checks, not the cost. */
  private final PasswordHasher hasher = new PasswordHasher(1_000);

  @Test
  void aHashVerifiesItsPasswordAndNoOther() {
    String hash = hasher.hash("correct horse battery staple");

    assertThat(hasher.verify("correct horse battery staple", hash)).isTrue();
    assertThat(hasher.verify("correct horse battery stapler", hash)).isFalse();
    assertThat(hasher.verify("Correct horse battery staple", hash)).isFalse();
    assertThat(hasher.verify("", hash)).isFalse();
  }

  @Test
  void theEncodingNamesTheSchemeTheIterationsTheSaltAndTheHash() {
    String hash = hasher.hash("correct horse battery staple");

    // 16 bytes of salt and 32 of hash, Base64 without padding.
    assertThat(hash).matches("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(hash).doesNotContain("correct", "horse");
  }

  @Test
  void theSaltDiffersPerHashSoTheSamePasswordHashesDifferently() {
    String first = hasher.hash("same password");
    String second = hasher.hash("same password");

    assertThat(first).isNotEqualTo(second);
    assertThat(first.split("\\$")[2]).isNotEqualTo(second.split("\\$")[2]);
    assertThat(hasher.verify("same password", first)).isTrue();
    assertThat(hasher.verify("same password", second)).isTrue();
  }

  @Test
  void aHashMadeWithAnotherIterationCountStillVerifies() {
    String older = new PasswordHasher(2_000).hash("pa55word!");

    assertThat(hasher.verify("pa55word!", older)).isTrue();
    assertThat(hasher.verify("pa55word?", older)).isFalse();
  }

  @Test
  void passwordsBeyondAsciiAndEmptyOnesHash() {
    String unicode = "p\u00e4ssw\u00f6rd \ud83d\udd11 \u5bc6\u7801";
    assertThat(hasher.verify(unicode, hasher.hash(unicode))).isTrue();
    assertThat(hasher.verify("passw\u00f6rd", hasher.hash("passw\u00e4rd"))).isFalse();
    assertThat(hasher.verify("", hasher.hash(""))).isTrue();
  }

  @Test
  void aTamperedEncodingVerifiesNothing() {
    String hash = hasher.hash("secret password");
    String[] parts = hash.split("\\$");

    assertThat(hasher.verify("secret password", parts[0] + "$" + parts[1] + "$" + parts[2] + "$"
        + flip(parts[3]))).as("another hash").isFalse();
    assertThat(hasher.verify("secret password", parts[0] + "$" + parts[1] + "$" + flip(parts[2]) + "$"
        + parts[3])).as("another salt").isFalse();
    assertThat(hasher.verify("secret password", parts[0] + "$1001$" + parts[2] + "$" + parts[3]))
        .as("another iteration count").isFalse();
    assertThat(hasher.verify("secret password", "pbkdf2-sha1$" + parts[1] + "$" + parts[2] + "$" + parts[3]))
        .as("another scheme").isFalse();
    assertThat(hasher.verify("secret password", hash + "$")).as("a part too many").isFalse();
    assertThat(hasher.verify("secret password", hash.substring(0, hash.length() - 4)))
        .as("a hash cut short").isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "$$$", "pbkdf2-sha256", "pbkdf2-sha256$1000$c2FsdA", "pbkdf2-sha256$0$c2FsdA$aGFzaA",
      "pbkdf2-sha256$-5$c2FsdA$aGFzaA", "pbkdf2-sha256$ten$c2FsdA$aGFzaA",
      "pbkdf2-sha256$99999999999$c2FsdA$aGFzaA",
      "pbkdf2-sha256$20000000$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "pbkdf2-sha256$1000$not base64!$aGFzaA", "pbkdf2-sha256$1000$$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "pbkdf2-sha256$1000$c2FsdA$aGFzaA"})
  void aMalformedEncodingIsFalseNotAnException(String encoded) {
    assertThat(hasher.verify("whatever", encoded)).isFalse();
  }

  @Test
  void theIterationCountMustBeSensible() {
    assertThatThrownBy(() -> new PasswordHasher(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PasswordHasher(PasswordHasher.MAX_ITERATIONS + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** The real cost, once: the default count is the one written into the hash, and it round-trips. */
  @Test
  void theDefaultIsSixHundredThousandIterations() {
    PasswordHasher defaults = new PasswordHasher();
    String hash = defaults.hash("correct horse battery staple");

    assertThat(defaults.iterations()).isEqualTo(600_000).isEqualTo(PasswordHasher.DEFAULT_ITERATIONS);
    assertThat(hash).startsWith("pbkdf2-sha256$600000$");
    assertThat(defaults.verify("correct horse battery staple", hash)).isTrue();
    assertThat(defaults.verify("wrong horse battery staple", hash)).isFalse();
    assertThat(defaults.toString()).contains("600000").doesNotContain("$");
  }

  /** The same text with its first character changed to another Base64 character. */
  private static String flip(String base64) {
    char replacement = base64.charAt(0) == 'A' ? 'B' : 'A';
    return replacement + base64.substring(1);
  }
}
