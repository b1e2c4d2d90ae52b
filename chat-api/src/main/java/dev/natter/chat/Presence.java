package dev.natter.chat;

import java.util.Objects;

/**
 * A user joined or left a room.
 *
 * <p>Presence belongs to the user, not the session: {@link Event#JOIN} goes out when the user's first
 * session joins, {@link Event#LEAVE} when the last one leaves, or when the presence grace period after
 * a lost connection runs out.
 *
 * @param room the room
 * @param event join or leave
 * @param user who
 * @param reason why the user left; {@code null} for a join
 */
public record Presence(String room, Event event, User user, Reason reason) {

  /** Validates the components: a leave has a reason, a join has none. */
  public Presence {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(user, "user");
    if ((event == Event.LEAVE) != (reason != null)) {
      throw new IllegalArgumentException("a leave has a reason and a join has none");
    }
  }

  /** A join. */
  public static Presence join(String room, User user) {
    return new Presence(room, Event.JOIN, user, null);
  }

  /** A leave with its reason. */
  public static Presence leave(String room, User user, Reason reason) {
    return new Presence(room, Event.LEAVE, user, reason);
  }

  /** What happened. */
  public enum Event {
    /** The user joined. */
    JOIN,
    /** The user left. */
    LEAVE;

    /** The protocol's name: {@code join} or {@code leave}. */
    public String wireName() {
      return this == JOIN ? "join" : "leave";
    }
  }

  /** Why a user left. */
  public enum Reason {
    /** The user left the room, or closed the connection normally. */
    LEFT("left"),
    /** The connection was lost and no resume came within the grace period. */
    DISCONNECT("disconnect"),
    /** The server removed the user. */
    KICKED("kicked");

    private final String wireName;

    Reason(String wireName) {
      this.wireName = wireName;
    }

    /** The protocol's name, for example {@code "disconnect"}. */
    public String wireName() {
      return wireName;
    }
  }
}
