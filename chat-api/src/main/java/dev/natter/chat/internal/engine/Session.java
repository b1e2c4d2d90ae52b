package dev.natter.chat.internal.engine;

import dev.natter.chat.User;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

/**
 * This node's copy of one session of a user: the rooms it joined and the connection it is attached to,
 * if any. A session outlives its connection by the presence grace period, so a client can resume it; the
 * cluster's {@link dev.natter.chat.spi.cluster.SessionDirectory} decides whether it still lives.
 */
final class Session {
  final String id;
  final User user;
  /** The rooms this session joined (direct rooms are never joined this way). */
  final Set<String> rooms = ConcurrentHashMap.newKeySet();

  /** The attached connection; {@code null} while in the grace period or after the end. */
  volatile Connection connection;
  /** The token of the latest open or resume here: the directory's calls for this attachment name it. */
  volatile String token;

  // Guarded by the SessionRegistry's lock.
  ScheduledFuture<?> graceTimer;
  boolean ended;

  Session(String id, String token, User user, Connection connection) {
    this.id = id;
    this.token = token;
    this.user = user;
    this.connection = connection;
  }

  @Override
  public String toString() {
    return "Session[" + id + ", " + user.id() + "]";
  }
}
