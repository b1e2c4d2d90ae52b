package dev.natter.chat.spi;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.Limits;
import dev.natter.chat.Presence;
import dev.natter.chat.RoomInfo;
import dev.natter.chat.User;
import java.time.Instant;
import java.util.List;

/**
 * A frame the server sends (PROTOCOL.md). Replies carry the {@code id} of the request they answer;
 * events the server sends on its own ({@link MessageEvent}, {@link PresenceEvent}) carry none.
 */
public sealed interface ServerFrame {

  /** The id of the request this answers, or {@code null} for an event. */
  String id();

  /** {@code welcome}: the session started. */
  record Welcome(
      String id,
      int v,
      User user,
      String session,
      boolean resumed,
      List<DirectConversation> directs,
      List<String> rooms,
      Limits limits)
      implements ServerFrame {
    /**
     * Copies the lists. {@code rooms}: the rooms a resumed session is still in, sorted; empty for a new
     * session; {@code null} when the server did not say (an older server).
     */
    public Welcome {
      directs = List.copyOf(directs);
      rooms = rooms == null ? null : List.copyOf(rooms);
    }

    @Override
    public String toString() {
      return "Welcome[id=" + id + ", user=" + user + ", session=***, resumed=" + resumed + "]";
    }
  }

  /**
   * {@code joined}: the answer to {@code join}. {@code recovered} is {@code null} when the join had no
   * cursor.
   */
  record Joined(
      String id,
      String room,
      String epoch,
      long seq,
      List<User> members,
      List<ChatMessage> messages,
      boolean more,
      Boolean recovered)
      implements ServerFrame {
    /** Copies the lists. */
    public Joined {
      members = List.copyOf(members);
      messages = List.copyOf(messages);
    }
  }

  /** {@code ok} with no more to say (the answer to {@code leave}). */
  record Ok(String id) implements ServerFrame {}

  /** {@code ok} for a {@code send}: the message is stored. */
  record SendOk(String id, String room, long seq, String mid, Instant ts) implements ServerFrame {}

  /** {@code message}: a stored message, to every session in the room. */
  record MessageEvent(ChatMessage message) implements ServerFrame {
    @Override
    public String id() {
      return null;
    }
  }

  /** {@code presence}: a user joined or left a room. */
  record PresenceEvent(Presence presence) implements ServerFrame {
    @Override
    public String id() {
      return null;
    }
  }

  /** {@code history}: the answer to {@code history}. */
  record HistoryReply(String id, String room, String epoch, List<ChatMessage> messages, boolean more)
      implements ServerFrame {
    /** Copies the list. */
    public HistoryReply {
      messages = List.copyOf(messages);
    }
  }

  /** {@code rooms}: the answer to {@code rooms}. */
  record RoomsReply(String id, List<RoomInfo> rooms) implements ServerFrame {
    /** Copies the list. */
    public RoomsReply {
      rooms = List.copyOf(rooms);
    }
  }

  /** {@code members}: the answer to {@code members}. */
  record MembersReply(String id, String room, List<User> members) implements ServerFrame {
    /** Copies the list. */
    public MembersReply {
      members = List.copyOf(members);
    }
  }

  /** {@code pong}: the answer to {@code ping}. */
  record Pong(String id) implements ServerFrame {}

  /** {@code error}: the request failed and had no effect. */
  record ErrorReply(String id, ChatStatus status) implements ServerFrame {}
}
