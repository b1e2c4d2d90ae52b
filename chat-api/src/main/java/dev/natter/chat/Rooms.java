package dev.natter.chat;

import java.util.Objects;

/**
 * Room name rules and direct room names.
 *
 * <p>A room name is 1 to 64 code points of Unicode letters and digits, {@code _}, {@code -} and
 * {@code .}. The direct room of two users is {@code dm:} followed by their two ids in sorted order,
 * joined by {@code :}; only the server names those.
 */
public final class Rooms {
  /** The prefix of every direct room's name. */
  public static final String DIRECT_PREFIX = "dm:";

  private Rooms() {}

  /** Whether {@code room} is a valid name for a room that is not a direct room. */
  public static boolean isValidName(String room) {
    if (room == null || room.isEmpty() || room.codePointCount(0, room.length()) > 64) {
      return false;
    }
    return room.codePoints()
        .allMatch(cp -> Character.isLetterOrDigit(cp) || cp == '_' || cp == '-' || cp == '.');
  }

  /** Whether {@code room} names a direct room (starts with {@code dm:}), well formed or not. */
  public static boolean isDirect(String room) {
    return room != null && room.startsWith(DIRECT_PREFIX);
  }

  /** The direct room of two distinct users, named by their ids. */
  public static String direct(String userId, String otherUserId) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(otherUserId, "otherUserId");
    if (!User.isValidId(userId) || !User.isValidId(otherUserId) || userId.equals(otherUserId)) {
      throw new IllegalArgumentException("a direct room needs two distinct valid user ids");
    }
    return userId.compareTo(otherUserId) < 0
        ? DIRECT_PREFIX + userId + ":" + otherUserId
        : DIRECT_PREFIX + otherUserId + ":" + userId;
  }

  /**
   * The two user ids of a well-formed direct room, or {@code null} when {@code room} is not one (wrong
   * prefix, not two valid ids, not sorted).
   */
  public static String[] directUsers(String room) {
    if (!isDirect(room)) {
      return null;
    }
    String rest = room.substring(DIRECT_PREFIX.length());
    int colon = rest.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String a = rest.substring(0, colon);
    String b = rest.substring(colon + 1);
    if (!User.isValidId(a) || !User.isValidId(b) || a.compareTo(b) >= 0) {
      return null;
    }
    return new String[] {a, b};
  }
}
