package dev.natter.chat.internal.engine;

import java.security.SecureRandom;
import java.util.Base64;

/** Message ids (ULIDs) and session tokens: unguessable, from one {@link SecureRandom}. */
final class Ids {
  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private final SecureRandom random = new SecureRandom();

  /** A ULID: 48 bits of milliseconds then 80 random bits, 26 Crockford base-32 characters. */
  String messageId(long epochMillis) {
    byte[] entropy = new byte[10];
    random.nextBytes(entropy);
    char[] out = new char[26];
    long time = epochMillis;
    for (int i = 9; i >= 0; i--) {
      out[i] = CROCKFORD[(int) (time & 31)];
      time >>>= 5;
    }
    // 80 random bits as 16 characters of 5 bits each.
    long high = 0;
    for (int i = 0; i < 5; i++) {
      high = (high << 8) | (entropy[i] & 0xff);
    }
    long low = 0;
    for (int i = 5; i < 10; i++) {
      low = (low << 8) | (entropy[i] & 0xff);
    }
    for (int i = 17; i >= 10; i--) {
      out[i] = CROCKFORD[(int) (high & 31)];
      high >>>= 5;
    }
    for (int i = 25; i >= 18; i--) {
      out[i] = CROCKFORD[(int) (low & 31)];
      low >>>= 5;
    }
    return new String(out);
  }

  /** A session token: 128 random bits, URL-safe base 64. */
  String sessionToken() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
