package dev.natter.bench.load;

/**
 * The text of a message the driver sends: {@code "NANOS SENDER N "} and then {@code x}s up to the
 * length asked for. NANOS is the sender's {@link System#nanoTime()} (the receivers run in the same JVM,
 * so they read the same clock and subtract), SENDER the sender's index and N its own sequence number,
 * from 0, which lets every receiver see whether one sender's messages came in the order sent.
 */
final class MessageText {
  /** The longest header: three numbers (a negative nanoTime included) and their spaces. */
  static final int MAX_HEADER_LENGTH = 20 + 1 + 11 + 1 + 20 + 1;

  /** What a received text says. */
  record Stamp(long nanos, int sender, long n) {}

  private MessageText() {}

  /**
   * The text of message {@code n} of {@code sender}, stamped {@code nanos}, padded with {@code x} to
   * {@code length} characters (never cut below its header).
   */
  static String format(long nanos, int sender, long n, int length) {
    StringBuilder text = new StringBuilder(Math.max(length, MAX_HEADER_LENGTH));
    text.append(nanos).append(' ').append(sender).append(' ').append(n).append(' ');
    while (text.length() < length) {
      text.append('x');
    }
    return text.toString();
  }

  /** Reads a text {@link #format} made, or returns {@code null} for any other text. */
  static Stamp parse(CharSequence text) {
    long[] numbers = new long[3];
    int pos = 0;
    for (int i = 0; i < 3; i++) {
      boolean negative = i == 0 && pos < text.length() && text.charAt(pos) == '-';
      if (negative) {
        pos++;
      }
      long value = 0;
      int digits = 0;
      while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
        int digit = text.charAt(pos++) - '0';
        if (value > (Long.MAX_VALUE - digit) / 10) {
          return null; // not a number this driver wrote
        }
        value = value * 10 + digit;
        digits++;
      }
      if (digits == 0 || pos >= text.length() || text.charAt(pos) != ' ') {
        return null;
      }
      pos++;
      numbers[i] = negative ? -value : value;
    }
    if (numbers[1] > Integer.MAX_VALUE) {
      return null;
    }
    return new Stamp(numbers[0], (int) numbers[1], numbers[2]);
  }
}
