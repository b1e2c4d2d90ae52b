package dev.natter.chat.spi.cluster;

import dev.natter.chat.Presence;
import dev.natter.chat.User;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Every session of the cluster and its resume token. A session belongs to one user; it is attached to a
 * connection on one node, or detached for the presence grace period, during which any node may resume
 * it with its token.
 *
 * <p>Ending a session leaves its rooms in the {@link MembershipDirectory} in the same step: the changes
 * it returns are the ones the caller's node must apply, and the other nodes hear them on the bus.
 */
public interface SessionDirectory {

  /**
   * Opens a session for {@code user} on the calling node, or resumes the one of {@code resumeToken}
   * when it belongs to the same user and has not ended (it then moves to this node, with a new token;
   * the node that held it, when another one, hears {@link ClusterListener#sessionTakenOver}: a node that
   * resumes a session it holds already hears nothing). A token of another user, or an unknown one, opens
   * a new session and leaves the other user's token valid. Records the user as known.
   *
   * @param exclusive whether the user may hold only one session (anonymous names)
   * @param resumeToken a token from an earlier welcome, or {@code null}
   * @throws dev.natter.chat.ChatException {@code name_taken} when exclusive and the user holds a
   *     session anywhere; {@code internal} when the directory cannot be reached
   */
  Opened open(User user, boolean exclusive, String resumeToken);

  /**
   * The connection of a session was lost: the session waits for a resume until its grace period ends.
   * Does nothing when the session was resumed since {@code token} was issued (a resume issues a new
   * one), or has ended.
   *
   * @param token the session's token when its connection was lost
   * @return whether the session is now detached
   */
  boolean detach(String sessionId, String token);

  /**
   * Ends a session and takes it out of its rooms, announcing {@code reason} for each room it was its
   * user's last session in. Does nothing when the session was resumed since {@code token} was issued,
   * or has ended: a grace period that runs out after a resume, or a close of a connection the session
   * already left, ends nothing.
   *
   * @param token the session's token the caller knows
   * @return what changed; {@link Ended#ended()} is 0 when nothing ended
   */
  Ended end(String sessionId, String token, Presence.Reason reason);

  /**
   * Ends every session of a user, on every node, announcing {@code kicked} in their rooms. The nodes
   * that hold those sessions, but the caller's, hear {@link ClusterListener#userDisconnected}.
   */
  Ended disconnect(String userId);

  /** A user that opened a session in this cluster, while the cluster remembers them. */
  Optional<User> knownUser(String userId);

  /** Users with at least one session attached to a connection, sorted by id. */
  List<User> onlineUsers();

  /**
   * A session opened or resumed.
   *
   * @param sessionId the session's id, unique in the cluster
   * @param token the token that resumes it next time
   * @param resumed whether an existing session was resumed
   * @param rooms the rooms the session is in (empty for a new session)
   */
  record Opened(String sessionId, String token, boolean resumed, Set<String> rooms) {
    /** Validates and copies the components. */
    public Opened {
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(token, "token");
      rooms = Set.copyOf(rooms);
    }
  }

  /**
   * The outcome of ending sessions.
   *
   * @param ended how many sessions were ended
   * @param changes the presence changes, in the order made, one room's in version order
   */
  record Ended(int ended, List<PresenceChange> changes) {
    /** Nothing ended. */
    public static final Ended NOTHING = new Ended(0, List.of());

    /** Validates and copies the components. */
    public Ended {
      if (ended < 0) {
        throw new IllegalArgumentException("ended must not be negative");
      }
      changes = List.copyOf(changes);
    }
  }
}
