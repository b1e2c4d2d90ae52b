package dev.natter.chat.cluster.redis.internal;

/**
 * The names of the keys Java reads or writes directly; the scripts compute the others the same way
 * ({@code common.lua}). The layout is in docs/cluster.md §5. Not an API.
 */
final class Keys {
  private Keys() {}

  /** Hash: user id → name of every user that opened a session. */
  static String users(String prefix) {
    return prefix + "users";
  }

  /** Hash: room → number of members, for the rooms that have any (direct rooms excepted). */
  static String rooms(String prefix) {
    return prefix + "rooms";
  }

  /** Set of {@code room + '\n' + userId}: the mutes ({@code mute.lua} writes it). */
  static String mutes(String prefix) {
    return prefix + "mutes";
  }

  /** A member of {@link #mutes}; neither part can hold a control character. */
  static String mute(String room, String userId) {
    return room + '\n' + userId;
  }
}
