package dev.natter.chat.auth.jwt.internal;

/** Makes a value taken from a token fit for one log line: quoted, short, no control characters. */
final class LogText {
  private static final int MAX_CHARS = 64;

  private LogText() {}

  static String quote(Object value) {
    if (value == null) {
      return "none";
    }
    String text = value.toString();
    StringBuilder quoted = new StringBuilder("\"");
    text.codePoints()
        .limit(MAX_CHARS)
        .forEach(cp -> quoted.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
    if (text.codePointCount(0, text.length()) > MAX_CHARS) {
      quoted.append("...");
    }
    return quoted.append('"').toString();
  }
}
