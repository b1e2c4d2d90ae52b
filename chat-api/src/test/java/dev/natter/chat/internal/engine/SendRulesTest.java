package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.Limits;
import dev.natter.chat.Presence;
import dev.natter.chat.RoomInfo;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ServerFrame;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PROTOCOL.md section 4: every refused {@code send} gets its code, stores nothing and delivers nothing;
 * the checks run in the protocol's order.
 */
class SendRulesTest extends EngineTestSupport {
  private static final Limits.RateLimit THREE_PER_MINUTE = Limits.RateLimit.of(3, Duration.ofSeconds(60));

  private FakeConnection alice;
  private FakeConnection bob;

  /** Alice and Bob, both in general. */
  private void aliceAndBobInGeneral(Limits limits) {
    start(limits);
    alice = login("alice");
    join(alice, "general");
    bob = login("bob");
    join(bob, "general");
    alice.next(ServerFrame.PresenceEvent.class);
  }

  private void aliceAndBobInGeneral() {
    aliceAndBobInGeneral(Limits.defaults());
  }

  /** Nothing was stored in general and nothing reached Bob. */
  private void assertNothingStoredOrDelivered() {
    assertNothingElseSent(bob);
    assertThat(storedTexts(bob, "general")).isEmpty();
  }

  /** Alice closes normally (her session ends) and connects again; returns her new welcome. */
  private ServerFrame.Welcome aliceComesBack() {
    alice.clientClose(CloseCodes.NORMAL);
    assertThat(bob.next())
        .isEqualTo(new ServerFrame.PresenceEvent(Presence.leave("general", ALICE, Presence.Reason.LEFT)));
    alice = connect("alice-again");
    return hello(alice, "alice");
  }

  private static ClientFrame.Send toRoom(String id, String room, String text, String cid) {
    return new ClientFrame.Send(id, room, null, text, cid);
  }

  // ---- shape ----

  @Test
  void sendWithBothRoomAndToIsBadRequest() {
    aliceAndBobInGeneral();

    expectError(alice, new ClientFrame.Send("s1", "general", "bob", "hi", null), Code.BAD_REQUEST);

    assertNothingElseSent(alice);
    assertNothingStoredOrDelivered();
  }

  @Test
  void sendWithNeitherRoomNorToIsBadRequest() {
    aliceAndBobInGeneral();

    expectError(alice, new ClientFrame.Send("s1", null, null, "hi", null), Code.BAD_REQUEST);

    assertNothingStoredOrDelivered();
  }

  @ParameterizedTest(name = "[{index}] text \"{0}\" is bad_request")
  @ValueSource(strings = {"", "   ", "\u2003", "\t\n", "\u3000 \u2003"})
  void blankTextIsBadRequest(String text) {
    aliceAndBobInGeneral();

    expectError(alice, toRoom("s1", "general", text, null), Code.BAD_REQUEST);

    assertNothingElseSent(alice);
    assertNothingStoredOrDelivered();
  }

  @Test
  void missingTextIsBadRequest() {
    aliceAndBobInGeneral();

    expectError(alice, toRoom("s1", "general", null, null), Code.BAD_REQUEST);

    assertNothingStoredOrDelivered();
  }

  // PROTOCOL.md section 1: "Blank" means empty after stripping Unicode white space. These are all
  // White_Space in Unicode (no-break space, figure space, narrow no-break space, next line).
  @ParameterizedTest(name = "[{index}] text U+{0} (Unicode white space) is bad_request")
  @ValueSource(ints = {0x00A0, 0x2007, 0x202F, 0x0085})
  void textOfOnlyUnicodeWhiteSpaceIsBlank(int codePoint) {
    aliceAndBobInGeneral();
    String text = Character.toString(codePoint).repeat(3);

    expectError(alice, toRoom("s1", "general", text, null), Code.BAD_REQUEST);

    assertNothingStoredOrDelivered();
  }

  @Test
  void aCidOver64CharsIsBadRequest() {
    aliceAndBobInGeneral();

    expectError(alice, toRoom("s1", "general", "hi", "c".repeat(65)), Code.BAD_REQUEST);

    assertNothingStoredOrDelivered();
    // 64 is fine.
    assertThat(send(alice, toRoom("s2", "general", "hi", "c".repeat(64))).message().cid())
        .isEqualTo("c".repeat(64));
  }

  @Test
  void aDirectMessageToOneselfIsBadRequest() {
    aliceAndBobInGeneral();

    expectError(alice, new ClientFrame.Send("s1", null, "alice", "note to self", null), Code.BAD_REQUEST);

    assertNothingElseSent(alice);
    assertThat(aliceComesBack().directs()).isEmpty();
  }

  // ---- membership and rights ----

  @Test
  void sendToARoomNotJoinedIsNotMember() {
    start();
    bob = login("bob");
    join(bob, "general");
    alice = login("alice");

    expectError(alice, toRoom("s1", "general", "hi", null), Code.NOT_MEMBER);
    expectError(alice, toRoom("s2", "nowhere", "hi", null), Code.NOT_MEMBER);

    assertNothingStoredOrDelivered();
    assertThat(server.rooms()).extracting(RoomInfo::room).containsExactly("general");
  }

  @Test
  void aDirectMessageToAUserNeverSeenIsNotFound() {
    aliceAndBobInGeneral();

    expectError(alice, new ClientFrame.Send("s1", null, "nobody", "hello?", null), Code.NOT_FOUND);

    assertNothingElseSent(alice);
    // Nothing was stored for that user: when they first come, they have no direct conversation.
    assertThat(hello(connect("nobody"), "nobody").directs()).isEmpty();
    assertThat(aliceComesBack().directs()).isEmpty();
  }

  @Test
  void sendToADirectRoomOfOthersIsForbidden() {
    aliceAndBobInGeneral();
    FakeConnection carol = login("carol");

    expectError(carol, toRoom("s1", "dm:alice:bob", "hi", null), Code.FORBIDDEN);
    expectError(carol, toRoom("s2", "dm:dave:erin", "hi", null), Code.FORBIDDEN);

    assertNothingElseSent(alice);
    assertNothingElseSent(bob);
    assertThat(history(alice, "dm:alice:bob", null, null, null).messages()).isEmpty();
  }

  // ---- length ----

  @Test
  void textOverMaxTextCharsIsTooLargeCountingCodePoints() {
    aliceAndBobInGeneral(limits().maxTextChars(10).build());
    String emoji = Character.toString(0x1F600);

    Sent ten = send(alice, "general", emoji.repeat(10));
    assertThat(nextMessage(bob).text()).isEqualTo(emoji.repeat(10));

    expectError(alice, toRoom("s1", "general", emoji.repeat(11), null), Code.TOO_LARGE);
    expectError(alice, toRoom("s2", "general", "x".repeat(11), null), Code.TOO_LARGE);

    assertNothingElseSent(bob);
    assertThat(storedTexts(bob, "general")).containsExactly(ten.message().text());
  }

  // ---- rate ----

  @Test
  void theFourthSendOfThreeAllowedIsRateLimitedAndStoresNothing() {
    aliceAndBobInGeneral(limits().rateLimit(THREE_PER_MINUTE).build());
    for (int i = 1; i <= 3; i++) {
      send(alice, "general", "m" + i);
      nextMessage(bob);
    }

    ServerFrame.ErrorReply error = expectError(alice, toRoom("s4", "general", "m4", null), Code.RATE_LIMITED);

    assertThat(error.status().retryAfter()).isNotNull().isPositive();
    assertNothingElseSent(alice);
    assertNothingElseSent(bob);
    assertThat(storedTexts(bob, "general")).containsExactly("m1", "m2", "m3");
  }

  @Test
  void theFifthRateLimitedInARowIsSentThenTheConnectionClosesWith4008() {
    aliceAndBobInGeneral(limits().rateLimit(THREE_PER_MINUTE).build());
    for (int i = 1; i <= 3; i++) {
      send(alice, "general", "m" + i);
      nextMessage(bob);
    }

    for (int i = 1; i <= 4; i++) {
      expectError(alice, toRoom("r" + i, "general", "flood", null), Code.RATE_LIMITED);
      assertThat(alice.closeSoFar()).as("closed after only %s rate_limited", i).isNull();
    }
    // The fifth is answered (it would be dropped had the connection closed earlier), then the close.
    expectError(alice, toRoom("r5", "general", "flood", null), Code.RATE_LIMITED);

    assertThat(alice.awaitClose().code()).isEqualTo(CloseCodes.RATE_LIMITED);
    assertThat(storedTexts(bob, "general")).containsExactly("m1", "m2", "m3");
  }

  @Test
  void aDuplicateCidGetsTheFirstOkAgainWithoutATokenOrASecondDelivery() {
    aliceAndBobInGeneral(limits().rateLimit(THREE_PER_MINUTE).build());
    join(alice, "random");
    Sent first = send(alice, toRoom("s1", "general", "once", "c-1"));
    assertThat(nextMessage(bob).mid()).isEqualTo(first.ok().mid());

    alice.receive(toRoom("s2", "general", "whatever text", "c-1"));
    ServerFrame.SendOk again = alice.next(ServerFrame.SendOk.class);
    // In any room, too.
    alice.receive(toRoom("s3", "random", "elsewhere", "c-1"));
    ServerFrame.SendOk elsewhere = alice.next(ServerFrame.SendOk.class);

    ServerFrame.SendOk expected = first.ok();
    assertThat(again).isEqualTo(new ServerFrame.SendOk("s2", "general", expected.seq(), expected.mid(), expected.ts()));
    assertThat(elsewhere)
        .isEqualTo(new ServerFrame.SendOk("s3", "general", expected.seq(), expected.mid(), expected.ts()));
    assertNothingElseSent(alice);
    assertNothingElseSent(bob);
    assertThat(storedTexts(bob, "general")).containsExactly("once");
    assertThat(history(alice, "random", null, null, null).messages()).isEmpty();

    // The duplicates took no token: two more sends fit in the three, the one after does not.
    send(alice, "general", "two");
    send(alice, "general", "three");
    expectError(alice, toRoom("s9", "general", "four", null), Code.RATE_LIMITED);
  }

  @Test
  void aDuplicateCidWhileRateLimitedStillGetsTheFirstOk() {
    aliceAndBobInGeneral(limits().rateLimit(Limits.RateLimit.of(1, Duration.ofSeconds(60))).build());
    Sent first = send(alice, toRoom("s1", "general", "once", "c-1"));
    expectError(alice, toRoom("s2", "general", "more", null), Code.RATE_LIMITED);

    alice.receive(toRoom("s3", "general", "once", "c-1"));

    assertThat(alice.next()).isEqualTo(new ServerFrame.SendOk(
        "s3", "general", first.ok().seq(), first.ok().mid(), first.ok().ts()));
  }

  @Test
  void theChecksRunInTheProtocolsOrder() {
    aliceAndBobInGeneral(limits().maxTextChars(10).rateLimit(Limits.RateLimit.of(1, Duration.ofSeconds(60))).build());
    FakeConnection carol = login("carol");
    // Membership before length: a too long text to a room not joined is not_member.
    expectError(carol, toRoom("c1", "general", "x".repeat(11), null), Code.NOT_MEMBER);

    send(alice, "general", "first");
    nextMessage(bob);
    expectError(alice, toRoom("s1", "general", "second", null), Code.RATE_LIMITED);

    // Shape and blank text come before the rate.
    expectError(alice, toRoom("s2", "general", "   ", null), Code.BAD_REQUEST);
    expectError(alice, new ClientFrame.Send("s3", "general", "bob", "hi", null), Code.BAD_REQUEST);
    // The rate comes before membership, rights and length.
    expectError(alice, toRoom("s4", "nowhere", "hi", null), Code.RATE_LIMITED);
    expectError(alice, new ClientFrame.Send("s5", null, "nobody", "hi", null), Code.RATE_LIMITED);
    expectError(alice, toRoom("s6", "general", "x".repeat(11), null), Code.RATE_LIMITED);

    assertThat(alice.closeSoFar()).isNull();
    assertThat(storedTexts(bob, "general")).containsExactly("first");
  }

  // ---- accepted sends ----

  @Test
  void theSenderGetsTheOkAndTheMessageAndSeqGrowsByExactlyOne() {
    aliceAndBobInGeneral();

    Sent first = send(alice, toRoom("s1", "general", "  hi all ", "c-7f1"));
    ChatMessage bobsCopy = nextMessage(bob);
    Sent second = send(alice, toRoom("s2", "general", "again", null));
    ChatMessage bobsSecond = nextMessage(bob);

    assertThat(first.ok().id()).isEqualTo("s1");
    assertThat(first.ok().room()).isEqualTo("general");
    assertThat(first.ok().seq()).isEqualTo(1);
    ChatMessage message = first.message();
    assertThat(message).isEqualTo(new ChatMessage(
        "general", first.ok().seq(), first.ok().mid(), ALICE, null, "  hi all ", first.ok().ts(), "c-7f1"));
    assertThat(bobsCopy).isEqualTo(message);

    assertThat(second.ok().seq()).isEqualTo(first.ok().seq() + 1);
    assertThat(second.ok().mid()).isNotEqualTo(first.ok().mid());
    assertThat(bobsSecond).isEqualTo(second.message());
    assertThat(second.message().cid()).isNull();
    assertThat(storedTexts(bob, "general")).containsExactly("  hi all ", "again");
  }
}
