package dev.natter.chat;

import java.util.List;
import java.util.Objects;

/**
 * What a client learns when its session starts ({@link ChatClient#connect()}).
 *
 * @param user who the server says this client is
 * @param session an opaque token that resumes this session once ({@link ChatClient.Builder#resume})
 * @param resumed whether an earlier session was taken over, its rooms kept
 * @param directs the user's direct conversations, most recent first
 * @param rooms the rooms (not direct rooms) the session is in, sorted: after a resume, the ones it kept
 *     (a room it was removed from while away, by a kick or a ban, is missing); empty for a new session
 * @param limits the server's limits
 */
public record Welcome(
    User user,
    String session,
    boolean resumed,
    List<DirectConversation> directs,
    List<String> rooms,
    Limits limits) {

  /** Validates the components and copies the lists. */
  public Welcome {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(limits, "limits");
    directs = List.copyOf(directs);
    rooms = List.copyOf(rooms);
  }
}
