package dev.natter.chat;

import java.util.Locale;
import java.util.Objects;

/**
 * A chat user: a stable {@code id} and a display {@code name}.
 *
 * <p>{@code id} is 1 to 64 characters with no {@code ':'} and no control character; it names the user
 * everywhere ({@code to}, direct rooms, stores). {@code name} follows the user name rules of the protocol:
 * 1 to 32 code points of Unicode letters and digits, space, {@code _}, {@code -} and {@code .}, with no
 * leading or trailing space. Without authentication the id is the name in lower case.
 *
 * @param id the stable id
 * @param name the display name
 */
public record User(String id, String name) {

  /** The user the server posts as ({@link ChatServer#post}); no client can claim its id. */
  public static final User SYSTEM = new User("system", "system");

  /**
   * Validates the components.
   *
   * @throws ChatException with {@link ChatStatus.Code#INVALID_NAME} when a component breaks the rules
   */
  public User {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    if (!isValidId(id)) {
      throw ChatStatus.of(ChatStatus.Code.INVALID_NAME, "invalid user id").asException();
    }
    if (!isValidName(name)) {
      throw ChatStatus.of(ChatStatus.Code.INVALID_NAME, "invalid user name: " + name).asException();
    }
  }

  /** The user an anonymous name stands for: the id is the name in lower case ({@link Locale#ROOT}). */
  public static User anonymous(String name) {
    Objects.requireNonNull(name, "name");
    if (!isValidName(name)) {
      throw ChatStatus.of(ChatStatus.Code.INVALID_NAME, "invalid user name: " + name).asException();
    }
    return new User(name.toLowerCase(Locale.ROOT), name);
  }

  /** Whether {@code id} is 1 to 64 characters with no {@code ':'} and no control character. */
  public static boolean isValidId(String id) {
    if (id == null || id.isEmpty() || id.length() > 64) {
      return false;
    }
    return id.codePoints().noneMatch(cp -> cp == ':' || Character.isISOControl(cp));
  }

  /** Whether {@code name} follows the protocol's user name rules. */
  public static boolean isValidName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    int count = name.codePointCount(0, name.length());
    if (count > 32 || name.startsWith(" ") || name.endsWith(" ")) {
      return false;
    }
    return name.codePoints()
        .allMatch(cp -> Character.isLetterOrDigit(cp) || cp == ' ' || cp == '_' || cp == '-' || cp == '.');
  }
}
