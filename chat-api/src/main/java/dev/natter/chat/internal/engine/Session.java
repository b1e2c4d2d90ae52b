package dev.natter.chat.internal.engine;

import dev.natter.chat.User;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

/**
 * One session of a user: the rooms it joined and the connection it is attached to, if any. A session
 * outlives its connection by the presence grace period, so a client can resume it.
 */
final class Session {
  final User user;
  /** The rooms this session joined (direct rooms are never joined this way). */
  final Set<String> rooms = ConcurrentHashMap.newKeySet();

  /** The attached connection; {@code null} while in the grace period or after the end. */
  volatile Connection connection;

  // Guarded by the SessionRegistry's lock.
  String token;
  ScheduledFuture<?> graceTimer;
  boolean ended;

  Session(User user, String token, Connection connection) {
    this.user = user;
    this.token = token;
    this.connection = connection;
  }

  @Override
  public String toString() {
    return "Session[" + user.id() + "]";
  }
}
