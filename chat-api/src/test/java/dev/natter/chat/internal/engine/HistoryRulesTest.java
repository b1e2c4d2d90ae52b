package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ServerFrame;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PROTOCOL.md section 5: history. */
class HistoryRulesTest extends EngineTestSupport {

  private static List<Long> seqs(ServerFrame.HistoryReply reply) {
    return reply.messages().stream().map(ChatMessage::seq).toList();
  }

  @Test
  void historyWithBothBeforeAndAfterIsBadRequest() {
    start();
    FakeConnection alice = login("alice");
    join(alice, "general");

    expectError(alice, new ClientFrame.History("h1", "general", 5L, 1L, null), Code.BAD_REQUEST);

    assertNothingElseSent(alice);
  }

  @ParameterizedTest(name = "[{index}] limit {0} is bad_request")
  @ValueSource(ints = {0, -5})
  void historyWithALimitOfZeroOrLessIsBadRequest(int limit) {
    start();
    FakeConnection alice = login("alice");
    join(alice, "general");

    expectError(alice, new ClientFrame.History("h1", "general", null, null, limit), Code.BAD_REQUEST);

    assertNothingElseSent(alice);
  }

  @Test
  void historyWithoutARoomIsBadRequest() {
    start();
    FakeConnection alice = login("alice");

    expectError(alice, new ClientFrame.History("h1", null, null, null, null), Code.BAD_REQUEST);
  }

  @Test
  void historyOfARoomNotJoinedIsNotMember() {
    start();
    FakeConnection bob = login("bob");
    join(bob, "general");
    send(bob, "general", "members only");
    FakeConnection alice = login("alice");

    expectError(alice, new ClientFrame.History("h1", "general", null, null, null), Code.NOT_MEMBER);
    expectError(alice, new ClientFrame.History("h2", "nowhere", null, null, null), Code.NOT_MEMBER);

    assertNothingElseSent(alice);
  }

  @Test
  void historyOfADirectRoomOfOthersIsForbidden() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection bob = login("bob");
    sendTo(alice, "bob", "psst");
    nextMessage(bob);
    FakeConnection carol = login("carol");

    expectError(carol, new ClientFrame.History("h1", "dm:alice:bob", null, null, null), Code.FORBIDDEN);
    expectError(carol, new ClientFrame.History("h2", "dm:dave:erin", null, null, null), Code.FORBIDDEN);

    assertNothingElseSent(carol);
  }

  @Test
  void pagesGoBackwardsAndForwardsOldestFirstWithTheRightMore() {
    start(limits().pageMax(3).build());
    FakeConnection alice = login("alice");
    String epoch = join(alice, "general").epoch();
    for (int i = 1; i <= 5; i++) {
      send(alice, "general", "m" + i);
    }

    ServerFrame.HistoryReply latest = history(alice, "general", null, null, 2);
    assertThat(seqs(latest)).containsExactly(4L, 5L);
    assertThat(latest.more()).isTrue();
    assertThat(latest.epoch()).isEqualTo(epoch);
    assertThat(latest.room()).isEqualTo("general");

    ServerFrame.HistoryReply before4 = history(alice, "general", 4L, null, 2);
    assertThat(seqs(before4)).containsExactly(2L, 3L);
    assertThat(before4.more()).isTrue();

    ServerFrame.HistoryReply before2 = history(alice, "general", 2L, null, 2);
    assertThat(seqs(before2)).containsExactly(1L);
    assertThat(before2.more()).isFalse();

    ServerFrame.HistoryReply after0 = history(alice, "general", null, 0L, 2);
    assertThat(seqs(after0)).containsExactly(1L, 2L);
    assertThat(after0.more()).isTrue();

    ServerFrame.HistoryReply after3 = history(alice, "general", null, 3L, 2);
    assertThat(seqs(after3)).containsExactly(4L, 5L);
    assertThat(after3.more()).isFalse();

    ServerFrame.HistoryReply after5 = history(alice, "general", null, 5L, 2);
    assertThat(after5.messages()).isEmpty();
    assertThat(after5.more()).isFalse();

    // A limit over pageMax is cut to it.
    ServerFrame.HistoryReply big = history(alice, "general", null, null, 100);
    assertThat(seqs(big)).containsExactly(3L, 4L, 5L);
    assertThat(big.more()).isTrue();
    assertThat(big.messages()).extracting(ChatMessage::text).containsExactly("m3", "m4", "m5");
  }
}
