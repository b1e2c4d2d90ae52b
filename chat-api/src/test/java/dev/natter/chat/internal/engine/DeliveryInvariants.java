package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.spi.ServerFrame;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks every frame the engine sends against rules that hold whatever the clients did:
 *
 * <ul>
 *   <li>no request fails with {@code internal} (the engine's answer to a request that threw);
 *   <li>a request gets at most one reply with its id, on the connection that sent it;
 *   <li>one message id is one message: the same room, seq, sender, text and time wherever it shows up,
 *       and no two messages share a room and seq;
 *   <li>on a connection, a room's live messages come in seq order without gaps: each one is 1 more than
 *       the one before, or than the seq its {@code joined} reported.
 * </ul>
 */
final class DeliveryInvariants {
  private final Map<String, FakeConnection> askedOn = new HashMap<>();
  private final Map<String, Integer> replies = new HashMap<>();
  private final Map<String, ChatMessage> byMid = new HashMap<>();
  private final Map<String, String> midByRoomAndSeq = new HashMap<>();
  private final Map<FakeConnection, Map<String, Long>> lastSeq = new HashMap<>();

  /** {@code connection} sent a request with {@code id}, an id used once in the whole run. */
  void asked(FakeConnection connection, String id) {
    askedOn.put(id, connection);
    replies.put(id, 0);
  }

  /** How many replies the request with {@code id} got so far. */
  int repliesTo(String id) {
    return replies.get(id);
  }

  void received(FakeConnection connection, ServerFrame frame) {
    if (frame instanceof ServerFrame.ErrorReply error) {
      assertThat(error.status().code()).as("%s: %s", connection, error).isNotEqualTo(ChatStatus.Code.INTERNAL);
    }
    String id = frame.id();
    if (id != null && replies.containsKey(id)) {
      assertThat(askedOn.get(id)).as("the connection that got the reply %s", frame).isSameAs(connection);
      assertThat(replies.merge(id, 1, Integer::sum)).as("replies with id %s, the last %s", id, frame).isOne();
    }
    if (frame instanceof ServerFrame.MessageEvent event) {
      ChatMessage message = known(event.message());
      Long last = lastSeq(connection).put(message.room(), message.seq());
      if (last != null) {
        assertThat(message.seq()).as("%s: the live message after seq %s", connection, last).isEqualTo(last + 1);
      }
    } else if (frame instanceof ServerFrame.Joined joined) {
      inOrder(joined.messages());
      if (!joined.messages().isEmpty()) {
        assertThat(joined.messages().get(joined.messages().size() - 1).seq()).isLessThanOrEqualTo(joined.seq());
      }
      lastSeq(connection).put(joined.room(), joined.seq());
    } else if (frame instanceof ServerFrame.HistoryReply history) {
      inOrder(history.messages());
    } else if (frame instanceof ServerFrame.SendOk ok) {
      // The sender's own copy went out before the ok: the message is known, and the ok names it.
      ChatMessage message = byMid.get(ok.mid());
      assertThat(message).as("the message of %s", ok).isNotNull();
      assertThat(List.of(message.room(), message.seq(), message.ts()))
          .as("%s against its message", ok).isEqualTo(List.of(ok.room(), ok.seq(), ok.ts()));
    }
  }

  private void inOrder(List<ChatMessage> page) {
    for (int i = 0; i < page.size(); i++) {
      known(page.get(i));
      if (i > 0) {
        assertThat(page.get(i).seq()).as("a page's seqs").isGreaterThan(page.get(i - 1).seq());
      }
    }
  }

  private ChatMessage known(ChatMessage message) {
    ChatMessage first = byMid.putIfAbsent(message.mid(), message);
    assertThat(first == null ? message : first).as("message %s seen twice", message.mid()).isEqualTo(message);
    String mid = midByRoomAndSeq.putIfAbsent(message.room() + "#" + message.seq(), message.mid());
    assertThat(mid == null ? message.mid() : mid).as("the mid of %s#%s", message.room(), message.seq())
        .isEqualTo(message.mid());
    return message;
  }

  private Map<String, Long> lastSeq(FakeConnection connection) {
    return lastSeq.computeIfAbsent(connection, c -> new HashMap<>());
  }
}
