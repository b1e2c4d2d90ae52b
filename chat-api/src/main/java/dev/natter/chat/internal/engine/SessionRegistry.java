package dev.natter.chat.internal.engine;

import dev.natter.chat.ChatStatus;
import dev.natter.chat.User;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who holds which session. Opening, resuming, detaching and ending sessions take one lock; that is not
 * on the send path. Reading a user's sessions (to deliver a direct message) takes none.
 */
final class SessionRegistry {
  private final Object lock = new Object();
  private final Ids ids;
  private final Map<String, List<Session>> byUser = new ConcurrentHashMap<>();
  private final Map<String, Session> byToken = new HashMap<>();
  /** Every user that ever had a session here, for {@code to} lookups. */
  private final Map<String, User> known = new ConcurrentHashMap<>();

  SessionRegistry(Ids ids) {
    this.ids = ids;
  }

  /** The result of {@link #open}. */
  record Opened(Session session, String token, boolean resumed, Connection previous) {}

  /**
   * Opens a session for {@code user} on {@code connection}, taking over the session of
   * {@code resumeToken} when it belongs to the same user and still lives.
   *
   * @param exclusive whether a user may hold only one session (anonymous names)
   * @throws dev.natter.chat.ChatException {@code name_taken} when exclusive and the name is held
   */
  Opened open(User user, boolean exclusive, String resumeToken, Connection connection) {
    synchronized (lock) {
      known.put(user.id(), user);
      Session resumable = resumeToken == null ? null : byToken.get(resumeToken);
      if (resumable != null && !resumable.ended && resumable.user.id().equals(user.id())) {
        byToken.remove(resumable.token);
        if (resumable.graceTimer != null) {
          resumable.graceTimer.cancel(false);
          resumable.graceTimer = null;
        }
        Connection previous = resumable.connection;
        resumable.token = ids.sessionToken();
        resumable.connection = connection;
        byToken.put(resumable.token, resumable);
        return new Opened(resumable, resumable.token, true, previous);
      }
      List<Session> held = byUser.get(user.id());
      if (exclusive && held != null && !held.isEmpty()) {
        throw ChatStatus.of(ChatStatus.Code.NAME_TAKEN, "the name " + user.name() + " is taken")
            .asException();
      }
      Session session = new Session(user, ids.sessionToken(), connection);
      byToken.put(session.token, session);
      byUser.computeIfAbsent(user.id(), id -> new CopyOnWriteArrayList<>()).add(session);
      return new Opened(session, session.token, false, null);
    }
  }

  /**
   * Detaches a session from a connection that ended, starting its grace period. Returns false when the
   * session already moved on (resumed elsewhere, or ended).
   */
  boolean detach(Session session, Connection connection, GraceScheduler graceScheduler) {
    synchronized (lock) {
      if (session.ended || session.connection != connection) {
        return false;
      }
      session.connection = null;
      session.graceTimer = graceScheduler.schedule(session);
      return true;
    }
  }

  /** Whether a session is still detached and not ended, at the end of its grace period. */
  boolean isDetached(Session session) {
    synchronized (lock) {
      return !session.ended && session.connection == null;
    }
  }

  /**
   * Ends a session, if {@code connection} is its current one ({@code null}: whichever). Returns false
   * when it had already ended or moved to another connection.
   */
  boolean end(Session session, Connection connection) {
    synchronized (lock) {
      if (session.ended || (connection != null && session.connection != connection)) {
        return false;
      }
      session.ended = true;
      session.connection = null;
      if (session.graceTimer != null) {
        session.graceTimer.cancel(false);
        session.graceTimer = null;
      }
      byToken.remove(session.token);
      List<Session> sessions = byUser.get(session.user.id());
      if (sessions != null) {
        sessions.remove(session);
        if (sessions.isEmpty()) {
          byUser.remove(session.user.id());
        }
      }
      return true;
    }
  }

  /** Every live session of a user (attached or in grace); no lock, a snapshot. */
  List<Session> sessionsOf(String userId) {
    List<Session> sessions = byUser.get(userId);
    return sessions == null ? List.of() : sessions;
  }

  /** A user that had a session here since the server started. */
  Optional<User> known(String userId) {
    return Optional.ofNullable(known.get(userId));
  }

  /** Users with at least one attached connection, sorted by id. */
  List<User> online() {
    List<User> users = new ArrayList<>();
    byUser.forEach((id, sessions) -> {
      for (Session session : sessions) {
        if (session.connection != null) {
          users.add(session.user);
          return;
        }
      }
    });
    users.sort(Comparator.comparing(User::id));
    return users;
  }

  /** Every live session, for shutdown. */
  List<Session> all() {
    List<Session> sessions = new ArrayList<>();
    byUser.values().forEach(sessions::addAll);
    return sessions;
  }

  /** Schedules the end of a session's grace period. */
  interface GraceScheduler {
    java.util.concurrent.ScheduledFuture<?> schedule(Session session);
  }
}
