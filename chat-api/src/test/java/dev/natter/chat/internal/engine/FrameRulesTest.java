package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ServerFrame;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md section 1: ids, bad frames and the close after twenty of them in a row. */
class FrameRulesTest extends EngineTestSupport {

  @Test
  void anIdLongerThan64CharsIsBadRequestWithNoIdEchoed() {
    start();
    FakeConnection alice = login("alice");
    String longId = "i".repeat(65);

    alice.receive(new ClientFrame.Join(longId, "general", null, null, null));
    assertError(alice.next(), null, Code.BAD_REQUEST);

    assertThat(server.members("general")).isEmpty();
    assertNothingElseSent(alice);
  }

  @Test
  void anIdLongerThan64CharsBeforeHelloIsBadRequestWithNoIdEchoed() {
    start();
    FakeConnection connection = connect("anon");

    connection.receive(new ClientFrame.Hello("i".repeat(65), 1, "alice", null, null));
    assertError(connection.next(), null, Code.BAD_REQUEST);

    assertThat(server.onlineUsers()).isEmpty();
    assertThat(connection.closeSoFar()).isNull();
  }

  @Test
  void anIdOf64CharsIsEchoed() {
    start();
    FakeConnection alice = login("alice");
    String id = "i".repeat(64);

    alice.receive(new ClientFrame.Ping(id));

    assertThat(alice.next()).isEqualTo(new ServerFrame.Pong(id));
  }

  /** Twenty different kinds of bad_request, to show that any of them counts. */
  private List<ClientFrame> badFrames(int count) {
    List<ClientFrame> kinds = List.of(
        new ClientFrame.Malformed(id("bad"), "not a JSON object"),
        new ClientFrame.Join(id("bad"), null, null, null, null),
        new ClientFrame.Send(id("bad"), "general", null, "   ", null),
        new ClientFrame.Send(id("bad"), null, null, "hi", null),
        new ClientFrame.History(id("bad"), "general", 1L, 2L, null),
        new ClientFrame.Leave(id("bad"), null),
        new ClientFrame.Hello(id("bad"), 1, "alice", null, null));
    return IntStream.range(0, count).mapToObj(i -> kinds.get(i % kinds.size())).toList();
  }

  @Test
  void theTwentiethBadRequestInARowIsSentThenTheConnectionClosesWith4000() {
    start();
    FakeConnection alice = login("alice");
    join(alice, "general");

    List<ClientFrame> bad = badFrames(20);
    for (int i = 0; i < 19; i++) {
      expectError(alice, bad.get(i), Code.BAD_REQUEST);
      assertThat(alice.closeSoFar()).as("closed after only %s bad frames", i + 1).isNull();
    }
    // The twentieth is answered (it would be dropped had the connection closed earlier), then the close.
    expectError(alice, bad.get(19), Code.BAD_REQUEST);

    assertThat(alice.awaitClose().code()).isEqualTo(CloseCodes.BAD_FRAMES);
  }

  @Test
  void aGoodFrameInBetweenResetsTheBadRequestCount() {
    start();
    FakeConnection alice = login("alice");
    join(alice, "general");

    for (ClientFrame frame : badFrames(19)) {
      expectError(alice, frame, Code.BAD_REQUEST);
    }
    alice.receive(new ClientFrame.Ping("good"));
    assertThat(alice.next()).isEqualTo(new ServerFrame.Pong("good"));
    for (ClientFrame frame : badFrames(19)) {
      expectError(alice, frame, Code.BAD_REQUEST);
    }

    // 38 bad frames, never 20 in a row: still open (a closed connection would not answer the barrier).
    assertNothingElseSent(alice);
    assertThat(alice.closeSoFar()).isNull();
  }

  @Test
  void anErrorOtherThanBadRequestAlsoResetsTheCount() {
    start();
    FakeConnection alice = login("alice");

    for (ClientFrame frame : badFrames(19)) {
      expectError(alice, frame, Code.BAD_REQUEST);
    }
    expectError(alice, new ClientFrame.Leave("leave", "general"), Code.NOT_MEMBER);
    for (ClientFrame frame : badFrames(19)) {
      expectError(alice, frame, Code.BAD_REQUEST);
    }

    assertNothingElseSent(alice);
    assertThat(alice.closeSoFar()).isNull();
  }

  @Test
  void badFramesBeforeHelloCountToo() {
    start();
    FakeConnection connection = connect("clumsy");

    for (int i = 1; i <= 20; i++) {
      expectError(connection, new ClientFrame.Malformed("m" + i, "not a JSON object"), Code.BAD_REQUEST);
    }

    assertThat(connection.awaitClose().code()).isEqualTo(CloseCodes.BAD_FRAMES);
  }
}
