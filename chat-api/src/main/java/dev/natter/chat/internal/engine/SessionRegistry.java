package dev.natter.chat.internal.engine;

import dev.natter.chat.User;
import dev.natter.chat.spi.cluster.SessionDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;

/**
 * The sessions this node holds, by id and by user. Which sessions exist, their tokens and their grace
 * state are the cluster's {@link SessionDirectory}'s; this is the local side: the connection each is
 * attached to and its grace timer. Attaching, detaching and removing take one lock, not on the send
 * path; reading a user's sessions (to deliver a direct message) takes none.
 */
final class SessionRegistry {
  private final Object lock = new Object();
  private final Map<String, Session> byId = new ConcurrentHashMap<>();
  private final Map<String, List<Session>> byUser = new ConcurrentHashMap<>();

  /**
   * The result of {@link #attach}.
   *
   * @param previous the connection the session was attached to here before (a resume), or null
   * @param arrived whether the session was not held here before (new, or resumed from another node)
   * @param firstOfUser whether it is the user's only session here now
   */
  record Attached(Session session, Connection previous, boolean arrived, boolean firstOfUser) {}

  /** Attaches the session the directory opened or resumed to {@code connection}. */
  Attached attach(SessionDirectory.Opened opened, User user, Connection connection) {
    synchronized (lock) {
      Session session = byId.get(opened.sessionId());
      if (session != null) {
        if (session.graceTimer != null) {
          session.graceTimer.cancel(false);
          session.graceTimer = null;
        }
        Connection previous = session.connection;
        session.connection = connection;
        session.token = opened.token();
        return new Attached(session, previous, false, false);
      }
      session = new Session(opened.sessionId(), opened.token(), user, connection);
      session.rooms.addAll(opened.rooms());
      byId.put(session.id, session);
      List<Session> held = byUser.computeIfAbsent(user.id(), id -> new CopyOnWriteArrayList<>());
      held.add(session);
      return new Attached(session, null, true, held.size() == 1);
    }
  }

  /**
   * Detaches a session from a connection that ended, starting its grace timer. Returns false when the
   * session already moved on (resumed on another connection, or ended).
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

  /** Whether a session is still detached here and not ended, at the end of its grace period. */
  boolean isDetached(Session session) {
    synchronized (lock) {
      return !session.ended && session.connection == null;
    }
  }

  /** Whether {@code connection} is the session's current one, and the session has not ended. */
  boolean isAttachedTo(Session session, Connection connection) {
    synchronized (lock) {
      return !session.ended && session.connection == connection;
    }
  }

  /**
   * Forgets a session here (it ended, or moved to another node). Returns false when it was forgotten
   * already; {@code lastOfUser} tells whether the user has no session here any more.
   */
  Removed remove(Session session) {
    synchronized (lock) {
      if (session.ended) {
        return Removed.ALREADY;
      }
      session.ended = true;
      session.connection = null;
      if (session.graceTimer != null) {
        session.graceTimer.cancel(false);
        session.graceTimer = null;
      }
      byId.remove(session.id);
      List<Session> sessions = byUser.get(session.user.id());
      boolean last = true;
      if (sessions != null) {
        sessions.remove(session);
        last = sessions.isEmpty();
        if (last) {
          byUser.remove(session.user.id());
        }
      }
      return last ? Removed.LAST_OF_USER : Removed.REMOVED;
    }
  }

  /** The outcome of {@link #remove}. */
  enum Removed { ALREADY, REMOVED, LAST_OF_USER }

  /** The session with this id held here, or null. */
  Session get(String sessionId) {
    return byId.get(sessionId);
  }

  /** Every session of a user held here (attached or in grace); no lock, a snapshot. */
  List<Session> sessionsOf(String userId) {
    List<Session> sessions = byUser.get(userId);
    return sessions == null ? List.of() : sessions;
  }

  /** Every session held here, for shutdown. */
  List<Session> all() {
    return new ArrayList<>(byId.values());
  }

  /** Schedules the end of a session's grace period. */
  interface GraceScheduler {
    ScheduledFuture<?> schedule(Session session);
  }
}
