package dev.natter.bench.load;

/**
 * Just enough JSON for the driver: quoting strings into frames it builds from templates, and reading a
 * few top-level fields of a frame the server sent, without a tree or a dependency.
 *
 * <p>{@link #fields} reads the top level only and skips nested objects and arrays whole, so the
 * {@code id} inside a message's {@code from} user is never taken for the frame's own {@code id}. Nested
 * values are skipped by bracket counting (strings respected), not validated: the server is trusted to
 * send JSON, and the driver only has to find its fields in it.
 */
final class Json {
  private Json() {}

  /** Appends {@code value} as a JSON string, quotes included. */
  static StringBuilder quote(StringBuilder out, CharSequence value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }

  /** {@code value} as a JSON string, quotes included. */
  static String quote(CharSequence value) {
    return quote(new StringBuilder(value.length() + 2), value).toString();
  }

  /**
   * The values of the top-level fields {@code names} of the JSON object {@code json}, in the order of
   * {@code names}: a string's decoded text; a number's, {@code true}'s or {@code false}'s literal text;
   * {@code null} for a field that is absent, JSON {@code null}, an object or an array. When a name occurs
   * twice, the first occurrence counts.
   *
   * @throws IllegalArgumentException when {@code json} is not one JSON object, naming the position
   */
  static String[] fields(CharSequence json, String... names) {
    String[] values = new String[names.length];
    boolean[] seen = new boolean[names.length];
    Scanner in = new Scanner(json);
    in.skipSpace();
    in.expect('{');
    in.skipSpace();
    if (in.peek() == '}') {
      in.pos++;
    } else {
      while (true) {
        int field = in.keyIndex(names);
        in.skipSpace();
        in.expect(':');
        in.skipSpace();
        if (field >= 0 && !seen[field]) {
          seen[field] = true;
          values[field] = in.value();
        } else {
          in.skipValue();
        }
        in.skipSpace();
        char c = in.next();
        if (c == '}') {
          break;
        }
        if (c != ',') {
          throw in.error("expected , or }");
        }
        in.skipSpace();
      }
    }
    in.skipSpace();
    if (in.pos != json.length()) {
      throw in.error("text after the object");
    }
    return values;
  }

  private static final class Scanner {
    private final CharSequence s;
    private int pos;

    Scanner(CharSequence s) {
      this.s = s;
    }

    char peek() {
      if (pos >= s.length()) {
        throw error("unexpected end");
      }
      return s.charAt(pos);
    }

    char next() {
      char c = peek();
      pos++;
      return c;
    }

    void expect(char c) {
      if (next() != c) {
        pos--;
        throw error("expected " + c);
      }
    }

    void skipSpace() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        pos++;
      }
    }

    /** Reads a key and returns its index in {@code names}, or -1; compared in place when unescaped. */
    int keyIndex(String[] names) {
      int start = pos + 1;
      boolean escaped = skipString();
      int end = pos - 1;
      if (escaped) {
        pos = start - 1;
        String key = string();
        for (int i = 0; i < names.length; i++) {
          if (names[i].equals(key)) {
            return i;
          }
        }
        return -1;
      }
      for (int i = 0; i < names.length; i++) {
        if (regionEquals(start, end, names[i])) {
          return i;
        }
      }
      return -1;
    }

    private boolean regionEquals(int start, int end, String name) {
      if (end - start != name.length()) {
        return false;
      }
      for (int i = 0; i < name.length(); i++) {
        if (s.charAt(start + i) != name.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    /** Reads a value as {@link Json#fields} returns it. */
    String value() {
      char c = peek();
      if (c == '"') {
        return string();
      }
      if (c == '{' || c == '[') {
        skipValue();
        return null;
      }
      String literal = literal();
      return literal.equals("null") ? null : literal;
    }

    void skipValue() {
      char c = peek();
      if (c == '"') {
        skipString();
      } else if (c == '{' || c == '[') {
        int depth = 0;
        do {
          c = peek();
          if (c == '"') {
            skipString();
          } else {
            if (c == '{' || c == '[') {
              depth++;
            } else if (c == '}' || c == ']') {
              depth--;
            }
            pos++;
          }
        } while (depth > 0);
      } else {
        literal();
      }
    }

    /** Skips a string at {@code pos}; returns whether it holds an escape. */
    boolean skipString() {
      expect('"');
      boolean escaped = false;
      while (true) {
        char c = next();
        if (c == '"') {
          return escaped;
        }
        if (c == '\\') {
          escaped = true;
          next();
        }
      }
    }

    String string() {
      int start = pos;
      if (!skipString()) {
        return s.subSequence(start + 1, pos - 1).toString(); // the common case: nothing to decode
      }
      StringBuilder out = new StringBuilder(pos - start);
      pos = start;
      expect('"');
      while (true) {
        char c = next();
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("unexpected end");
            }
            int code = 0;
            for (int i = 0; i < 4; i++) {
              int digit = Character.digit(s.charAt(pos++), 16);
              if (digit < 0) {
                pos--;
                throw error("bad \\u escape");
              }
              code = code * 16 + digit;
            }
            out.append((char) code); // a surrogate pair arrives as two escapes, in order
          }
          default -> {
            pos--;
            throw error("bad escape \\" + e);
          }
        }
      }
    }

    // A number, true, false or null: its text, checked only for its first character and its word.
    private String literal() {
      int start = pos;
      while (pos < s.length() && "{}[],:\" \t\n\r".indexOf(s.charAt(pos)) < 0) {
        pos++;
      }
      String text = s.subSequence(start, pos).toString();
      boolean number = !text.isEmpty() && (text.charAt(0) == '-' || Character.isDigit(text.charAt(0)));
      if (!number && !text.equals("true") && !text.equals("false") && !text.equals("null")) {
        pos = start;
        throw error("expected a value");
      }
      return text;
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at " + pos + " in " + excerpt());
    }

    private String excerpt() {
      return s.length() <= 200 ? s.toString() : s.subSequence(0, 200) + "...";
    }
  }
}
