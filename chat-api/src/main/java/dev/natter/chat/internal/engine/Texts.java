package dev.natter.chat.internal.engine;

/** Text rules of PROTOCOL.md section 1 that the JDK does not spell the same way. */
final class Texts {
  private Texts() {}

  /**
   * Whether {@code text} is empty after stripping Unicode {@code White_Space}. {@link
   * String#isBlank()} is not enough: it misses no-break spaces (U+00A0, U+2007, U+202F) and NEXT
   * LINE (U+0085), which a client could otherwise use to post a message that looks empty.
   */
  static boolean isBlank(String text) {
    return text.codePoints().allMatch(Texts::isUnicodeWhiteSpace);
  }

  // The Unicode White_Space property, exactly (PropList.txt).
  private static boolean isUnicodeWhiteSpace(int cp) {
    return (cp >= 0x09 && cp <= 0x0D)
        || cp == 0x20
        || cp == 0x85
        || cp == 0xA0
        || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x2028
        || cp == 0x2029
        || cp == 0x202F
        || cp == 0x205F
        || cp == 0x3000;
  }
}
