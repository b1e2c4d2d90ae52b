package dev.natter.chat.spi;

/**
 * A frame a client sends (PROTOCOL.md). Every field is as the client sent it, unchecked: the engine
 * validates each one and answers {@code bad_request} for what is missing or wrong, so every transport
 * gets the same rules. Optional fields are {@code null} when absent.
 *
 * <p>A transport that decodes bytes delivers what it cannot make into one of these records (not an
 * object, an unknown {@code type}, a mistyped field) as {@link Malformed}, never as an exception.
 */
public sealed interface ClientFrame {

  /** The client's request id, echoed in the reply; {@code null} when absent. */
  String id();

  /** {@code hello}: the first frame, asking for a session. */
  record Hello(String id, Integer v, String name, String token, String resume) implements ClientFrame {
    @Override
    public String toString() {
      // The token and resume token are secrets: keep them out of logs.
      return "Hello[id=" + id + ", v=" + v + ", name=" + name + ", token=" + (token == null ? "none" : "***")
          + ", resume=" + (resume == null ? "none" : "***") + "]";
    }
  }

  /** {@code join}: enter a room, optionally recovering from a cursor ({@code since}). */
  record Join(String id, String room, Long sinceSeq, String sinceEpoch, Integer limit)
      implements ClientFrame {}

  /** {@code leave}: leave a room. */
  record Leave(String id, String room) implements ClientFrame {}

  /** {@code send}: a message to a {@code room}, or to a user ({@code to}); exactly one of the two. */
  record Send(String id, String room, String to, String text, String cid) implements ClientFrame {}

  /** {@code history}: a page of a room's log, {@code before} or {@code after} a seq, or the latest. */
  record History(String id, String room, Long before, Long after, Integer limit) implements ClientFrame {}

  /** {@code rooms}: list the rooms. */
  record ListRooms(String id) implements ClientFrame {}

  /** {@code members}: list a room's members. */
  record ListMembers(String id, String room) implements ClientFrame {}

  /** {@code ping}: answered with {@code pong}. */
  record Ping(String id) implements ClientFrame {}

  /**
   * What a transport received but could not decode into a frame. The engine answers {@code bad_request}
   * with {@code problem} and counts it towards the close after repeated bad frames.
   *
   * @param id the frame's {@code id} when it had a valid one, else {@code null}
   * @param problem what was wrong, for the client
   */
  record Malformed(String id, String problem) implements ClientFrame {}
}
