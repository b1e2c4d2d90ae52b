package dev.natter.chat.websocket.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of one JSON object's fields. A field that is absent or JSON {@code null} reads as
 * {@code null}; a field of the wrong type throws {@link BadField} naming it, which the codec turns into a
 * {@code bad_request}.
 */
final class JsonFields {
  private final JsonNode object;

  JsonFields(JsonNode object) {
    this.object = object;
  }

  /** Thrown for a missing or mistyped field; the message is safe to send to the client. */
  static final class BadField extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadField(String message) {
      super(message, null, false, false);
    }
  }

  boolean has(String name) {
    JsonNode value = object.get(name);
    return value != null && !value.isNull();
  }

  String string(String name) {
    JsonNode value = present(name);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw new BadField(name + " must be a string");
    }
    return value.textValue();
  }

  String requiredString(String name) {
    return required(name, string(name));
  }

  Long integer(String name) {
    JsonNode value = present(name);
    if (value == null) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new BadField(name + " must be an integer");
    }
    return value.longValue();
  }

  long requiredInteger(String name) {
    return required(name, integer(name));
  }

  Integer smallInteger(String name) {
    JsonNode value = present(name);
    if (value == null) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new BadField(name + " must be an integer of at most 10 digits");
    }
    return value.intValue();
  }

  boolean requiredBoolean(String name) {
    JsonNode value = present(name);
    if (value == null || !value.isBoolean()) {
      throw new BadField(name + " must be true or false");
    }
    return value.booleanValue();
  }

  Boolean optionalBoolean(String name) {
    return has(name) ? requiredBoolean(name) : null;
  }

  /** The named field as an object, or {@code null} when absent. */
  JsonFields object(String name) {
    JsonNode value = present(name);
    if (value == null) {
      return null;
    }
    if (!value.isObject()) {
      throw new BadField(name + " must be an object");
    }
    return new JsonFields(value);
  }

  JsonFields requiredObject(String name) {
    return required(name, object(name));
  }

  /** The named field as an array of objects; an absent field is an error. */
  List<JsonFields> objects(String name) {
    JsonNode value = present(name);
    if (value == null || !value.isArray()) {
      throw new BadField(name + " must be an array");
    }
    List<JsonFields> items = new ArrayList<>(value.size());
    for (JsonNode item : value) {
      if (!item.isObject()) {
        throw new BadField(name + " must hold objects");
      }
      items.add(new JsonFields(item));
    }
    return items;
  }

  /** The named field as an array of strings, or {@code null} when absent. */
  List<String> optionalStrings(String name) {
    JsonNode value = present(name);
    if (value == null) {
      return null;
    }
    if (!value.isArray()) {
      throw new BadField(name + " must be an array");
    }
    List<String> items = new ArrayList<>(value.size());
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw new BadField(name + " must hold strings");
      }
      items.add(item.textValue());
    }
    return items;
  }

  private JsonNode present(String name) {
    JsonNode value = object.get(name);
    return value == null || value.isNull() ? null : value;
  }

  private static <T> T required(String name, T value) {
    if (value == null) {
      throw new BadField("missing field " + name);
    }
    return value;
  }
}
