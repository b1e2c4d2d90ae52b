package dev.natter.chat;

/**
 * Decides what a user may do in a room, beyond what the protocol already rules: membership (only
 * members send and read a room), bans and mutes (see {@link ChatServer#ban} and {@link ChatServer#mute}),
 * and the privacy of direct rooms, which only their two users ever see, whatever this says.
 *
 * <p>Asked on every join, send and history read, so it should answer quickly and from memory (cache
 * what it looks up). A refusal is answered with {@code forbidden}; an exception thrown here is logged
 * and answered with {@code internal}. The default allows everything. Called concurrently; must be
 * thread-safe.
 *
 * <pre>{@code
 * RoomAuthorizer staffOnly = new RoomAuthorizer() {
 *   public boolean mayJoin(User user, String room) {
 *     return !room.startsWith("staff-") || staff.contains(user.id());
 *   }
 * };
 * }</pre>
 */
public interface RoomAuthorizer {

  /** Whether {@code user} may join {@code room} (which is created when it does not exist). */
  default boolean mayJoin(User user, String room) {
    return true;
  }

  /** Whether {@code user}, a member of {@code room}, may send to it. */
  default boolean maySend(User user, String room) {
    return true;
  }

  /**
   * Whether {@code user}, a member of {@code room}, may read its history (with {@code history}, and the
   * messages a {@code join} returns: without this right a join returns none).
   */
  default boolean mayReadHistory(User user, String room) {
    return true;
  }

  /** Allows everything the protocol allows. */
  static RoomAuthorizer allowAll() {
    return AllowAll.INSTANCE;
  }
}

enum AllowAll implements RoomAuthorizer {
  INSTANCE;

  @Override
  public String toString() {
    return "RoomAuthorizer.allowAll()";
  }
}
