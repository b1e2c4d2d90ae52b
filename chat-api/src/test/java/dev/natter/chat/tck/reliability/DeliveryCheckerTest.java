package dev.natter.chat.tck.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.Cursor;
import dev.natter.chat.JoinResult;
import dev.natter.chat.Recovery;
import dev.natter.chat.SendReceipt;
import dev.natter.chat.User;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker finds each kind of fault in a hand-made history, and none in a clean one. */
class DeliveryCheckerTest {
  private static final String ROOM = "general";
  private static final Instant TS = Instant.parse("2026-12-03T10:00:00Z");

  private final DeliveryLog log = new DeliveryLog();

  @Test
  void aCleanHistoryIsValid() {
    join("bob", 0);
    ChatMessage one = ackedAndStored("alice", 1);
    ChatMessage two = ackedAndStored("alice", 2);
    log.delivered("bob", one);
    log.delivered("bob", two);

    Verdict verdict = DeliveryChecker.check(log);

    assertThat(verdict.valid()).as(verdict.summary()).isTrue();
    assertThat(verdict.rooms().get(ROOM).acked()).isEqualTo(2);
    assertThat(verdict.deliveries()).isEqualTo(2);
    assertThat(verdict.settled()).isTrue();
  }

  @Test
  void anAcknowledgedMessageAClientNeverSawIsLost() {
    join("bob", 0);
    ChatMessage one = ackedAndStored("alice", 1);
    ackedAndStored("alice", 2);
    log.delivered("bob", one);

    Verdict verdict = DeliveryChecker.check(log);

    assertThat(verdict.valid()).isFalse();
    assertThat(verdict.rooms().get(ROOM).lost()).singleElement().asString().contains("bob never got seq 2");
    assertThat(verdict.settled()).isFalse();
  }

  @Test
  void aMessageBeforeTheJoinIsNotExpected() {
    ackedAndStored("alice", 1);
    join("bob", 1);
    log.delivered("bob", ackedAndStored("alice", 2));

    assertThat(DeliveryChecker.check(log).valid()).isTrue();
  }

  @Test
  void aReportedGapCoversWhatItSpans() {
    join("bob", 0);
    ackedAndStored("alice", 1);
    ackedAndStored("alice", 2);
    ChatMessage three = ackedAndStored("alice", 3);
    log.recovery("bob", new Recovery(ROOM, new Cursor(0, "e"), new Cursor(2, "e"), false));
    log.delivered("bob", three);

    Verdict verdict = DeliveryChecker.check(log);

    assertThat(verdict.valid()).as(verdict.summary()).isTrue();
    assertThat(verdict.gaps()).isEqualTo(1);
  }

  @Test
  void aClientThatStoppedIsNotExpectedToSeeLaterMessages() {
    join("bob", 0);
    log.delivered("bob", ackedAndStored("alice", 1));
    log.stopped("bob");
    ackedAndStored("alice", 2);

    assertThat(DeliveryChecker.check(log).valid()).isTrue();
  }

  @Test
  void aClientThatLeftTheRoomIsNotExpectedToSeeLaterMessages() {
    join("bob", 0);
    log.delivered("bob", ackedAndStored("alice", 1));
    log.left("bob", ROOM);
    ackedAndStored("alice", 2);

    assertThat(DeliveryChecker.check(log).valid()).isTrue();
  }

  @Test
  void aClientThatStoppedIsStillHeldToEverythingBeforeItsLastMessage() {
    join("bob", 0);
    ackedAndStored("alice", 1);
    log.delivered("bob", ackedAndStored("alice", 2));
    log.stopped("bob");

    assertThat(DeliveryChecker.check(log).rooms().get(ROOM).lost()).hasSize(1);
  }

  @Test
  void theSameMessageDeliveredTwiceIsADuplicate() {
    join("bob", 0);
    ChatMessage one = ackedAndStored("alice", 1);
    log.delivered("bob", one);
    log.delivered("bob", one);

    Verdict verdict = DeliveryChecker.check(log);

    assertThat(verdict.rooms().get(ROOM).duplicates()).singleElement().asString().contains("twice");
  }

  @Test
  void oneSendStoredAtTwoSeqsIsADuplicate() {
    join("bob", 0);
    DeliveryLog.Send send = log.newSend("alice", ROOM, 0);
    send.completed(receipt(1, "m1"), null);
    log.delivered("bob", message(send, 1, "m1"));
    log.delivered("bob", message(send, 2, "m2")); // a resend with the same cid stored again

    assertThat(DeliveryChecker.check(log).rooms().get(ROOM).duplicates())
        .singleElement().asString().contains("stored twice");
  }

  @Test
  void aMessageAfterALaterOneIsReordered() {
    join("bob", 0);
    ChatMessage one = ackedAndStored("alice", 1);
    ChatMessage two = ackedAndStored("alice", 2);
    log.delivered("bob", two);
    log.delivered("bob", one);

    assertThat(DeliveryChecker.check(log).rooms().get(ROOM).reordered())
        .singleElement().asString().contains("seq 1 after seq 2");
  }

  @Test
  void aDeliveryOfNothingSentIsUnexpected() {
    join("bob", 0);
    log.delivered("bob", new ChatMessage(ROOM, 1, "m1", User.anonymous("eve"), null, "forged", TS, null));

    assertThat(DeliveryChecker.check(log).rooms().get(ROOM).unexpected())
        .singleElement().asString().contains("no send of this room");
  }

  @Test
  void aDeliveryOfAFailedSendIsUnexpected() {
    join("bob", 0);
    DeliveryLog.Send send = log.newSend("alice", ROOM, 0);
    send.completed(null, ChatStatus.of(ChatStatus.Code.INTERNAL, "store down").asException());
    log.delivered("bob", message(send, 1, "m1"));

    Verdict verdict = DeliveryChecker.check(log);

    assertThat(verdict.rooms().get(ROOM).failed()).isEqualTo(1);
    assertThat(verdict.rooms().get(ROOM).unexpected()).singleElement().asString().contains("failed");
  }

  @Test
  void twoMessagesAtOneSeqAreUnexpected() {
    join("bob", 0);
    join("carol", 0);
    DeliveryLog.Send first = log.newSend("alice", ROOM, 0);
    DeliveryLog.Send second = log.newSend("alice", ROOM, 0);
    first.completed(receipt(1, "m1"), null);
    second.completed(receipt(1, "m2"), null);
    log.delivered("bob", message(first, 1, "m1"));
    log.delivered("carol", message(second, 1, "m2"));

    assertThat(DeliveryChecker.check(log).rooms().get(ROOM).unexpected()).isNotEmpty();
  }

  @Test
  void aSendOfUnknownOutcomeThatWasStoredMustReachEveryone() {
    join("bob", 0);
    join("carol", 0);
    DeliveryLog.Send send = log.newSend("alice", ROOM, 0);
    send.completed(null, ChatStatus.of(ChatStatus.Code.UNAVAILABLE, "connection lost").asException());
    log.delivered("bob", message(send, 1, "m1"));

    Verdict verdict = DeliveryChecker.check(log);

    assertThat(verdict.rooms().get(ROOM).unknown()).isEqualTo(1);
    assertThat(verdict.rooms().get(ROOM).lost()).singleElement().asString().contains("carol never got seq 1");
  }

  @Test
  void anAcknowledgedMessageMissingFromTheStoreIsLost() {
    ChatMessage one = ackedAndStored("alice", 1);
    ackedAndStored("alice", 2);
    log.storeHolds(ROOM, List.of(one));

    assertThat(DeliveryChecker.check(log).rooms().get(ROOM).lost())
        .singleElement().asString().contains("not in the store");
  }

  @Test
  void aHoleInTheStoreIsUnexpected() {
    ackedAndStored("alice", 1);
    ChatMessage two = ackedAndStored("alice", 2);
    ChatMessage three = ackedAndStored("alice", 3);
    log.storeHolds(ROOM, List.of(two, three));

    Verdict verdict = DeliveryChecker.check(log);

    assertThat(verdict.rooms().get(ROOM).unexpected()).anySatisfy(p -> assertThat(p).contains("where 1 belongs"));
  }

  @Test
  void aPendingSendIsNotAnswered() {
    log.newSend("alice", ROOM, 0);

    assertThat(log.allSendsAnswered()).isFalse();
  }

  private void join(String client, long seq) {
    log.joined(client, new JoinResult(ROOM, "e", seq, List.of(), List.of(), false, false));
  }

  private ChatMessage ackedAndStored(String client, long seq) {
    DeliveryLog.Send send = log.newSend(client, ROOM, 0);
    send.completed(receipt(seq, "m" + seq), null);
    return message(send, seq, "m" + seq);
  }

  private static SendReceipt receipt(long seq, String mid) {
    return new SendReceipt(ROOM, seq, mid, TS);
  }

  private static ChatMessage message(DeliveryLog.Send send, long seq, String mid) {
    return new ChatMessage(ROOM, seq, mid, User.anonymous(send.client()), null, send.text(), TS, null);
  }
}
