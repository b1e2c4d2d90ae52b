package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.Presence;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ServerFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Slow consumers, the presence grace period, resuming, and shutdown (PROTOCOL.md sections 1 to 3). */
class ConnectionLifecycleTest extends EngineTestSupport {
  private static final Duration SHORT_GRACE = Duration.ofMillis(300);
  private static final Duration LONG_GRACE = Duration.ofMinutes(1);

  @Test
  void aStalledConnectionIsClosedWith4009WhileTheOthersKeepReceiving() {
    start(limits().outboundQueueFrames(5).build());
    FakeConnection alice = login("alice");
    join(alice, "general");
    FakeConnection bob = login("bob");
    join(bob, "general");
    FakeConnection carol = login("carol");
    join(carol, "general");
    alice.next(ServerFrame.PresenceEvent.class);
    alice.next(ServerFrame.PresenceEvent.class);
    bob.next(ServerFrame.PresenceEvent.class);
    assertNothingElseSent(carol);

    carol.stall();
    List<Long> okSeqs = new ArrayList<>();
    List<Long> bobSeqs = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      okSeqs.add(send(alice, "general", "m" + i).ok().seq());
      bobSeqs.add(nextMessage(bob).seq());
    }

    assertThat(carol.awaitClose().code()).isEqualTo(CloseCodes.SLOW_CONSUMER);
    // Carol got what fit in her queue, then nothing.
    assertThat(carol.received())
        .extracting(frame -> ((ServerFrame.MessageEvent) frame).message().seq())
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    List<Long> all = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
    assertThat(okSeqs).isEqualTo(all);
    assertThat(bobSeqs).isEqualTo(all);
    assertNothingElseSent(bob);
    assertThat(alice.closeSoFar()).isNull();
    assertThat(bob.closeSoFar()).isNull();
  }

  @Test
  void aLostConnectionLeavesWithReasonDisconnectOnlyAfterTheGracePeriod() {
    start(limits().build(), SHORT_GRACE);
    FakeConnection alice = login("alice");
    join(alice, "general");
    FakeConnection bob = login("bob");
    join(bob, "general");
    alice.next(ServerFrame.PresenceEvent.class);

    long droppedAt = System.nanoTime();
    bob.clientClose(CloseCodes.ABNORMAL);

    // Not yet: Bob is still a member during the grace period.
    assertNothingElseSent(alice);
    assertThat(members(alice, "general")).containsExactly(ALICE, BOB);

    ServerFrame leave = alice.next();
    long elapsed = System.nanoTime() - droppedAt;
    assertThat(leave)
        .isEqualTo(new ServerFrame.PresenceEvent(Presence.leave("general", BOB, Presence.Reason.DISCONNECT)));
    assertThat(Duration.ofNanos(elapsed)).as("time from the drop to the leave").isGreaterThanOrEqualTo(SHORT_GRACE);
    assertThat(members(alice, "general")).containsExactly(ALICE);
    // The name is free again.
    assertThat(hello(connect("bob-again"), "bob").resumed()).isFalse();
  }

  @Test
  void aCloseWith1000LeavesWithReasonLeftAtOnce() {
    start(limits().build(), LONG_GRACE);
    FakeConnection alice = login("alice");
    join(alice, "general");
    FakeConnection bob = login("bob");
    join(bob, "general");
    alice.next(ServerFrame.PresenceEvent.class);

    bob.clientClose(CloseCodes.NORMAL);

    // Within the frame timeout, far below the one-minute grace period.
    assertThat(alice.next())
        .isEqualTo(new ServerFrame.PresenceEvent(Presence.leave("general", BOB, Presence.Reason.LEFT)));
    assertThat(members(alice, "general")).containsExactly(ALICE);
    assertThat(hello(connect("bob-again"), "bob").resumed()).isFalse();
  }

  @Test
  void resumingWithinTheGracePeriodKeepsTheRoomsSendsNoPresenceAndGivesANewToken() {
    start(limits().build(), LONG_GRACE);
    FakeConnection alice = login("alice");
    join(alice, "general");
    FakeConnection bob = connect("bob");
    String firstToken = hello(bob, "bob").session();
    join(bob, "general");
    alice.next(ServerFrame.PresenceEvent.class);

    bob.clientClose(CloseCodes.ABNORMAL);
    FakeConnection bobAgain = connect("bob-again");
    ServerFrame.Welcome welcome = hello(bobAgain, "bob", firstToken);

    assertThat(welcome.resumed()).isTrue();
    assertThat(welcome.user()).isEqualTo(BOB);
    assertThat(welcome.session()).isNotBlank().isNotEqualTo(firstToken);
    assertNothingElseSent(alice);
    assertNothingElseSent(bobAgain);
    // The rooms were kept: Bob receives general's messages on the new connection.
    Sent sent = send(alice, "general", "welcome back");
    assertThat(nextMessage(bobAgain)).isEqualTo(sent.message());
    assertThat(members(alice, "general")).containsExactly(ALICE, BOB);

    // The old token does not resume again (the name is held by the resumed session).
    FakeConnection thief = connect("bob-third");
    expectError(thief, new ClientFrame.Hello("h1", 1, "bob", null, firstToken), Code.NAME_TAKEN);
    assertNothingElseSent(bobAgain);
    assertThat(bobAgain.closeSoFar()).isNull();
  }

  @Test
  void aNameInItsGracePeriodIsStillTakenWithoutTheResumeToken() {
    start(limits().build(), LONG_GRACE);
    FakeConnection alice = login("alice");
    join(alice, "general");
    FakeConnection bob = login("bob");
    join(bob, "general");
    alice.next(ServerFrame.PresenceEvent.class);

    bob.clientClose(CloseCodes.ABNORMAL);
    FakeConnection impostor = connect("impostor");
    expectError(impostor, new ClientFrame.Hello("h1", 1, "Bob", null, null), Code.NAME_TAKEN);
    expectError(impostor, new ClientFrame.Hello("h2", 1, "bob", null, "not-a-token"), Code.NAME_TAKEN);

    assertNothingElseSent(alice);
    assertThat(members(alice, "general")).containsExactly(ALICE, BOB);
  }

  @Test
  void resumingAfterTheGracePeriodStartsAFreshSession() {
    start(limits().build(), SHORT_GRACE);
    FakeConnection alice = login("alice");
    join(alice, "general");
    FakeConnection bob = connect("bob");
    String token = hello(bob, "bob").session();
    join(bob, "general");
    alice.next(ServerFrame.PresenceEvent.class);

    bob.clientClose(CloseCodes.ABNORMAL);
    assertThat(alice.next())
        .isEqualTo(new ServerFrame.PresenceEvent(Presence.leave("general", BOB, Presence.Reason.DISCONNECT)));

    FakeConnection bobAgain = connect("bob-again");
    ServerFrame.Welcome welcome = hello(bobAgain, "bob", token);
    assertThat(welcome.resumed()).isFalse();
    assertThat(members(bobAgain, "general")).containsExactly(ALICE);
  }

  @Test
  void resumingWhileTheOldConnectionIsOpenClosesItWith4002() {
    start(limits().build(), LONG_GRACE);
    FakeConnection alice = login("alice");
    join(alice, "general");
    FakeConnection bob = connect("bob");
    String token = hello(bob, "bob").session();
    join(bob, "general");
    alice.next(ServerFrame.PresenceEvent.class);

    FakeConnection bobAgain = connect("bob-again");
    assertThat(hello(bobAgain, "bob", token).resumed()).isTrue();

    assertThat(bob.awaitClose().code()).isEqualTo(CloseCodes.SESSION_TAKEN_OVER);
    assertNothingElseSent(alice);
    Sent sent = send(alice, "general", "hi");
    assertThat(nextMessage(bobAgain)).isEqualTo(sent.message());
  }

  @Test
  void serverCloseClosesEveryConnectionWith1001() {
    start();
    FakeConnection alice = login("alice");
    join(alice, "general");
    FakeConnection bob = login("bob");
    join(bob, "general");
    FakeConnection anonymous = connect("anonymous");

    server.close();

    assertThat(alice.awaitClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
    assertThat(bob.awaitClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
    assertThat(anonymous.awaitClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
    assertThat(server.isTerminated()).isTrue();
    assertThat(transport.isClosed()).isTrue();
  }

  @Test
  void messagesReachEverySessionInSeqOrder() {
    start();
    FakeConnection alice = login("alice");
    join(alice, "general");
    FakeConnection bob = login("bob");
    join(bob, "general");
    alice.next(ServerFrame.PresenceEvent.class);

    List<ChatMessage> sent = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      sent.add(send(i % 2 == 0 ? alice : bob, "general", "m" + i).message());
      nextMessage(i % 2 == 0 ? bob : alice);
    }

    assertThat(sent).extracting(ChatMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
  }
}
