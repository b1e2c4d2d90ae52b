package dev.natter.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;

/**
 * Just enough JSON for the driver, on Jackson's streaming API: quoting strings into frames it builds
 * from templates, and reading a few top-level fields of a frame the server sent, without a tree.
 *
 * <p>{@link #fields} reads the top level only and skips nested objects and arrays whole, so the
 * {@code id} inside a message's {@code from} user is never taken for the frame's own {@code id}.
 */
final class Json {
  private static final JsonFactory FACTORY = new JsonFactory();

  private Json() {}

  /** Appends {@code value} as a JSON string, quotes included. */
  static StringBuilder quote(StringBuilder out, CharSequence value) {
    out.append('"');
    JsonStringEncoder.getInstance().quoteAsString(value, out);
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
   * @throws IllegalArgumentException when {@code json} is not one JSON object, with the parser's reason
   */
  static String[] fields(String json, String... names) {
    String[] values = new String[names.length];
    boolean[] seen = new boolean[names.length];
    try (JsonParser in = FACTORY.createParser(json)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("expected {: " + abbreviate(json));
      }
      while (in.nextToken() == JsonToken.FIELD_NAME) {
        int field = indexOf(names, in.currentName());
        JsonToken value = in.nextToken();
        if (field >= 0 && !seen[field]) {
          seen[field] = true;
          values[field] = value.isScalarValue() && value != JsonToken.VALUE_NULL ? in.getText() : null;
        }
        in.skipChildren();
      }
      if (in.nextToken() != null) {
        throw new IllegalArgumentException("text after the object: " + abbreviate(json));
      }
      return values;
    } catch (IOException e) { // Jackson's reason, such as the end of the input too early
      String reason = e instanceof JsonProcessingException jackson ? jackson.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException("not one JSON object: " + reason, e);
    }
  }

  private static int indexOf(String[] names, String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static String abbreviate(String json) {
    return json.length() <= 80 ? json : json.substring(0, 80) + "…";
  }
}
