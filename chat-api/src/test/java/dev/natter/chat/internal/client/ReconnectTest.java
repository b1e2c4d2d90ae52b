package dev.natter.chat.internal.client;

import static dev.natter.chat.internal.client.ScriptedTransport.ALICE;
import static dev.natter.chat.internal.client.ScriptedTransport.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.Limits;
import dev.natter.chat.Presence;
import dev.natter.chat.ReconnectPolicy;
import dev.natter.chat.SendReceipt;
import dev.natter.chat.User;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's reconnect logic against a server played by the test, on a clock that moves only when
 * told: backoff, the close-code table, resume, catching up in order, the outbox, dedupe.
 */
class ReconnectTest {
  private static final ReconnectPolicy STEADY =
      ReconnectPolicy.defaults().withInitialDelay(Duration.ofMillis(500)).withJitter(0);

  private final ScriptedTransport transport = new ScriptedTransport();
  private final ManualScheduler clock = new ManualScheduler();
  private final EventLog events = new EventLog();

  private DefaultChatClient client(ReconnectPolicy policy) {
    return client(policy, () -> 0.0);
  }

  private DefaultChatClient client(ReconnectPolicy policy, DoubleSupplier random) {
    return new DefaultChatClient(transport, "alice", null, null, events, Runnable::run,
        Duration.ofSeconds(30), Duration.ZERO, policy, clock, random);
  }

  /** A client whose session started, its events so far taken. */
  private DefaultChatClient connected(ReconnectPolicy policy) {
    DefaultChatClient client = client(policy);
    CompletableFuture<?> connect = client.connect();
    transport.last().welcome("s1", false);
    assertThat(connect).isCompleted();
    assertThat(events.take()).containsExactly("CONNECTING 0", "connected fresh", "CONNECTED");
    return client;
  }

  /** Joins {@code room} (epoch e1), whose latest message is {@code seq}. */
  private void joined(DefaultChatClient client, String room, long seq) {
    CompletableFuture<?> join = client.join(room);
    ClientFrame.Join frame = transport.last().take(ClientFrame.Join.class);
    transport.last().push(new ServerFrame.Joined(frame.id(), room, "e1", seq, List.of(ALICE), List.of(),
        false, null));
    assertThat(join).isCompleted();
  }

  /** Lets the backoff delay pass and answers the new connection's hello. */
  private ClientFrame.Hello reconnect(Duration delay, String session, boolean resumed) {
    int before = transport.attempts();
    clock.advance(delay);
    assertThat(transport.attempts()).as("a new attempt after the delay").isEqualTo(before + 1);
    return transport.last().welcome(session, resumed);
  }

  // ---- when to reconnect ----

  @Test
  void aLostConnectionIsReconnectedAndTheSessionResumedWithTheLatestToken() {
    DefaultChatClient client = connected(STEADY);
    transport.last().drop(1006);
    assertThat(events.take()).containsExactly("disconnected 1006", "RECONNECTING 1 500ms after 1006");

    ClientFrame.Hello hello = reconnect(Duration.ofMillis(500), "s2", true);
    assertThat(hello.resume()).isEqualTo("s1");
    assertThat(hello.name()).isEqualTo("alice");
    assertThat(events.take()).containsExactly("CONNECTING 1", "connected resumed", "CONNECTED");
    assertThat(client.welcome().session()).isEqualTo("s2");

    transport.last().drop(1001);
    assertThat(reconnect(Duration.ofMillis(500), "s3", true).resume())
        .as("every welcome's token is the next resume").isEqualTo("s2");
  }

  @Test
  void theBackoffGrowsWithEachFailedAttemptAndIsCapped() {
    connected(STEADY.withInitialDelay(Duration.ofMillis(100)).withMaxDelay(Duration.ofSeconds(1)));
    transport.refuseNext(7);
    transport.last().drop(1006);

    List<Long> delays = new ArrayList<>();
    List<Integer> attempts = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String reconnecting = events.take().stream().filter(e -> e.startsWith("RECONNECTING")).findFirst()
          .orElseThrow();
      String[] parts = reconnecting.split(" ");
      attempts.add(Integer.parseInt(parts[1]));
      long delay = Long.parseLong(parts[2].replace("ms", ""));
      delays.add(delay);
      clock.advance(Duration.ofMillis(delay));
    }
    assertThat(delays).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L, 1000L);
    assertThat(attempts).containsExactly(1, 2, 3, 4, 5, 6, 7);
    assertThat(events.take()).containsExactly("CONNECTING 7", "RECONNECTING 8 1000ms after 1006");
  }

  @Test
  void jitterTakesUpToItsFractionOffEachDelay() {
    Queue<Double> draws = new ArrayDeque<>(List.of(0.0, 0.5, 0.999));
    client(STEADY.withInitialDelay(Duration.ofSeconds(1)).withJitter(0.5), draws::remove).connect();
    transport.last().welcome("s1", false);
    transport.refuseNext(2);
    transport.last().drop(1006);
    clock.advance(Duration.ofSeconds(1));
    clock.advance(Duration.ofMillis(1500));

    assertThat(events.take()).filteredOn(e -> e.startsWith("RECONNECTING")).containsExactly(
        "RECONNECTING 1 1000ms after 1006",
        "RECONNECTING 2 1500ms after 1006",
        "RECONNECTING 3 2002ms after 1006");
  }

  @Test
  void theDelayAfterFloodingIsAtLeastTheRateLimitPeriod() {
    DefaultChatClient client = client(STEADY);
    client.connect();
    Limits limits = Limits.defaults().toBuilder().rateLimit(Limits.RateLimit.of(5, Duration.ofSeconds(10))).build();
    transport.last().welcome("s1", false, limits, List.of());
    transport.last().drop(4008);

    assertThat(events.take()).contains("RECONNECTING 1 10000ms after 4008");
    clock.advance(Duration.ofMillis(9_999));
    assertThat(transport.attempts()).isEqualTo(1);
    clock.advance(Duration.ofMillis(1));
    assertThat(transport.attempts()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(ints = {1001, 1006, 4009, 1011, 1012})
  void closeCodesWorthRetryingAreReconnected(int code) {
    connected(STEADY);
    transport.last().drop(code);
    assertThat(events.take()).containsExactly("disconnected " + code, "RECONNECTING 1 500ms after " + code);
    reconnect(Duration.ofMillis(500), "s2", true);
    assertThat(events.take()).endsWith("CONNECTED");
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, 1002, 1003, 1009, 4000, 4001, 4002, 4003, 4999})
  void closeCodesARetryWouldNotFixCloseTheClientForGood(int code) {
    DefaultChatClient client = connected(STEADY);
    transport.last().drop(code);
    clock.advance(Duration.ofMinutes(10));

    assertThat(events.take()).containsExactly("disconnected " + code, "CLOSED " + code);
    assertThat(transport.attempts()).isEqualTo(1);
    assertUnavailable(client.send("general", "hello?"));
  }

  @Test
  void aDisabledPolicyClosesTheClientOnTheFirstLoss() {
    DefaultChatClient client = connected(ReconnectPolicy.disabled());
    transport.last().drop(1006);
    clock.advance(Duration.ofMinutes(10));

    assertThat(events.take()).containsExactly("disconnected 1006", "CLOSED 1006");
    assertThat(transport.attempts()).isEqualTo(1);
    assertUnavailable(client.rooms());
  }

  @Test
  void afterMaxAttemptsTheClientGivesUp() {
    DefaultChatClient client = connected(STEADY.withMaxAttempts(3));
    CompletableFuture<SendReceipt> queued;
    transport.refuseNext(3);
    transport.last().drop(1006);
    queued = client.send("general", "never sent");
    clock.advance(Duration.ofMillis(500));
    clock.advance(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(2));

    assertThat(transport.attempts()).isEqualTo(4);
    assertThat(events.take()).endsWith("CONNECTING 3", "CLOSED 1006");
    assertUnavailable(queued);
  }

  @Test
  void aHelloRefusedOnAReconnectEndsTheClientUnlessTheNameIsStillHeld() {
    DefaultChatClient client = connected(STEADY);
    transport.last().drop(1006);
    clock.advance(Duration.ofMillis(500));
    ClientFrame.Hello hello = transport.last().take(ClientFrame.Hello.class);
    transport.last().push(new ServerFrame.ErrorReply(hello.id(),
        ChatStatus.of(Code.NAME_TAKEN, "the name alice is taken")));
    assertThat(events.take()).contains("RECONNECTING 2 1000ms after 4001");
    assertThat(transport.last().closedWith).as("not 1000: a session there would keep its grace")
        .isEqualTo(1001);

    CompletableFuture<SendReceipt> queued = client.send("general", "waiting");
    clock.advance(Duration.ofSeconds(1));
    hello = transport.last().take(ClientFrame.Hello.class);
    transport.last().push(new ServerFrame.ErrorReply(hello.id(),
        ChatStatus.of(Code.AUTH_FAILED, "the token expired")));

    assertThat(events.take()).containsExactly("CONNECTING 2", "CLOSED 4001");
    assertUnavailable(queued);
    clock.advance(Duration.ofMinutes(10));
    assertThat(transport.attempts()).isEqualTo(3);
  }

  @Test
  void aHelloWithoutAnswerIsGivenUpOnAndRetried() {
    connected(STEADY);
    transport.last().drop(1006);
    clock.advance(Duration.ofMillis(500));
    events.take();

    clock.advance(Duration.ofSeconds(31));
    assertThat(events.take()).containsExactly("RECONNECTING 2 1000ms after 1006");
    assertThat(transport.last().closedWith).isEqualTo(1001);
  }

  @Test
  void closeWhileWaitingStopsReconnectingAndFailsWhatWaits() {
    DefaultChatClient client = connected(STEADY);
    transport.last().drop(1006);
    CompletableFuture<SendReceipt> queued = client.send("general", "waiting");
    events.take();

    client.close();
    clock.advance(Duration.ofMinutes(10));
    assertThat(events.take()).containsExactly("CLOSED 1000");
    assertThat(transport.attempts()).isEqualTo(1);
    assertUnavailable(queued);
  }

  @Test
  void closeWhileConnectedSaysDisconnectedThenClosedAndNothingAfter() {
    DefaultChatClient client = connected(STEADY);
    ScriptedTransport.Conn conn = transport.last();
    CompletableFuture<?> rooms = client.rooms();

    client.close();
    conn.push(new ServerFrame.MessageEvent(message("general", 1, "late")));
    conn.drop(1000);
    assertThat(events.take()).containsExactly("disconnected 1000", "CLOSED 1000");
    assertThat(conn.closedWith).isEqualTo(1000);
    assertUnavailable(rooms);
  }

  @Test
  void aFailedFirstConnectIsNotRetried() {
    transport.refuseNext(1);
    DefaultChatClient client = client(STEADY);
    assertUnavailable(client.connect());
    clock.advance(Duration.ofMinutes(10));
    assertThat(events.take()).containsExactly("CONNECTING 0", "CLOSED 1006");
    assertThat(transport.attempts()).isEqualTo(1);
  }

  // ---- requests across a reconnect ----

  @Test
  void sendsWaitInTheOutboxAndAreResentWithTheirCidOtherRequestsFail() {
    DefaultChatClient client = connected(STEADY);
    CompletableFuture<SendReceipt> inFlight = client.send("general", "one");
    CompletableFuture<?> members = client.members("general");
    ClientFrame.Send first = transport.last().take(ClientFrame.Send.class);
    ScriptedTransport.Conn old = transport.last();
    old.drop(1006);

    assertUnavailable(members);
    CompletableFuture<SendReceipt> queued = client.sendDirect("bob", "two");
    assertUnavailable(client.rooms());
    assertThat(inFlight).isNotDone();

    reconnect(Duration.ofMillis(500), "s2", true);
    ClientFrame.Send resent = transport.last().take(ClientFrame.Send.class);
    ClientFrame.Send second = transport.last().take(ClientFrame.Send.class);
    assertThat(resent.cid()).isEqualTo(first.cid());
    assertThat(resent.text()).isEqualTo("one");
    assertThat(second.to()).isEqualTo("bob");
    assertThat(second.cid()).isNotNull().isNotEqualTo(first.cid());

    old.push(new ServerFrame.SendOk(first.id(), "general", 99, "stale", Instant.EPOCH));
    assertThat(inFlight).as("an answer on a connection given up on").isNotDone();
    transport.last().push(new ServerFrame.SendOk(resent.id(), "general", 7, "m7", Instant.EPOCH));
    transport.last().push(new ServerFrame.SendOk(second.id(), "dm:alice:bob", 1, "d1", Instant.EPOCH));
    assertThat(inFlight.join().seq()).isEqualTo(7);
    assertThat(queued.join().room()).isEqualTo("dm:alice:bob");
  }

  @Test
  void aSendThatOutlivesTheRequestTimeoutInTheOutboxFails() {
    DefaultChatClient client = connected(
        STEADY.withInitialDelay(Duration.ofMinutes(1)).withMaxDelay(Duration.ofMinutes(1)));
    transport.last().drop(1006);
    CompletableFuture<SendReceipt> queued = client.send("general", "too late");
    clock.advance(Duration.ofSeconds(31));

    assertThat(queued).isCompletedExceptionally();
    assertThat(unavailable(queued).getMessage()).contains("no answer within");
    reconnect(Duration.ofSeconds(30), "s2", true);
    assertThat(transport.last().received).as("nothing resent").isEmpty();
  }

  // ---- catching up ----

  @Test
  void roomsAreRejoinedFromTheLastMessageAndCaughtUpInOrderWithLiveOnesHeldBack() {
    DefaultChatClient client = connected(STEADY);
    joined(client, "general", 2);
    transport.last().push(new ServerFrame.MessageEvent(message("general", 3, "live")));
    transport.last().drop(1006);
    reconnect(Duration.ofMillis(500), "s2", true);
    events.take();

    ScriptedTransport.Conn conn = transport.last();
    ClientFrame.Join rejoin = conn.take(ClientFrame.Join.class);
    assertThat(rejoin.room()).isEqualTo("general");
    assertThat(rejoin.sinceSeq()).isEqualTo(3);
    assertThat(rejoin.sinceEpoch()).isEqualTo("e1");
    assertThat(rejoin.limit()).isEqualTo(Limits.defaults().pageMax());

    conn.push(new ServerFrame.Joined(rejoin.id(), "general", "e1", 6, List.of(ALICE),
        List.of(message("general", 4, "missed")), true, true));
    ClientFrame.History page = conn.take(ClientFrame.History.class);
    assertThat(page.after()).isEqualTo(4);
    conn.push(new ServerFrame.MessageEvent(message("general", 7, "live while catching up")));
    conn.push(new ServerFrame.HistoryReply(page.id(), "general", "e1",
        List.of(message("general", 5, "missed"), message("general", 6, "missed")), false));
    conn.push(new ServerFrame.MessageEvent(message("general", 7, "the same again")));
    conn.push(new ServerFrame.MessageEvent(message("general", 8, "live")));

    assertThat(events.take()).containsExactly(
        "message general 4", "message general 5", "message general 6", "message general 7",
        "recovery general true since 3@e1 latest 6@e1", "message general 8");
  }

  @Test
  void aRoomThatCannotBeRecoveredIsReportedOnceBeforeItsNextMessages() {
    DefaultChatClient client = connected(STEADY);
    joined(client, "general", 10);
    joined(client, "random", 4);
    transport.last().drop(1001);
    reconnect(Duration.ofMillis(500), "s2", false);
    events.take();

    ScriptedTransport.Conn conn = transport.last();
    for (int i = 0; i < 2; i++) {
      ClientFrame.Join rejoin = conn.take(ClientFrame.Join.class);
      conn.push(new ServerFrame.MessageEvent(message(rejoin.room(), 1, "new log")));
      conn.push(new ServerFrame.Joined(rejoin.id(), rejoin.room(), "e2", 0, List.of(ALICE), List.of(), false,
          false));
    }
    conn.push(new ServerFrame.MessageEvent(message("general", 1, "new log, first message")));
    conn.push(new ServerFrame.MessageEvent(message("general", 2, "new log, second message")));

    List<String> seen = events.take();
    assertThat(seen).filteredOn(e -> e.startsWith("recovery")).containsExactlyInAnyOrder(
        "recovery general false since 10@e1 latest 0@e2", "recovery random false since 4@e1 latest 0@e2");
    assertThat(seen).containsSubsequence(
        "recovery general false since 10@e1 latest 0@e2", "message general 1", "message general 2");
    assertThat(seen).containsOnlyOnce("message general 1");
  }

  @Test
  void aRefusedRejoinIsReportedAndTheRoomNoLongerFollowed() {
    DefaultChatClient client = connected(STEADY);
    joined(client, "general", 3);
    transport.last().drop(1006);
    reconnect(Duration.ofMillis(500), "s2", false);
    ClientFrame.Join rejoin = transport.last().take(ClientFrame.Join.class);
    transport.last().push(new ServerFrame.ErrorReply(rejoin.id(), ChatStatus.of(Code.FORBIDDEN, "banned")));
    assertThat(events.take()).endsWith("recovery general false since 3@e1 latest 3@e1");

    transport.last().drop(1006);
    reconnect(Duration.ofMillis(500), "s3", false);
    assertThat(transport.last().received).as("nothing to rejoin").isEmpty();
  }

  @Test
  void aRoomTheUserLeftOrWasRemovedFromIsNotRejoined() {
    DefaultChatClient client = connected(STEADY);
    joined(client, "general", 1);
    joined(client, "random", 1);
    joined(client, "news", 1);
    CompletableFuture<Void> left = client.leave("general");
    ClientFrame.Leave leave = transport.last().take(ClientFrame.Leave.class);
    transport.last().push(new ServerFrame.Ok(leave.id()));
    left.join();
    transport.last().push(new ServerFrame.PresenceEvent(
        Presence.leave("random", new User("alice", "alice"), Presence.Reason.KICKED)));
    transport.last().drop(1006);
    reconnect(Duration.ofMillis(500), "s2", true);

    assertThat(transport.last().take(ClientFrame.Join.class).room()).isEqualTo("news");
    assertThat(transport.last().received).isEmpty();
  }

  @Test
  void rejoinsGoOutBeforeTheOutboxSoAFreshSessionIsAMemberAgainFirst() {
    DefaultChatClient client = connected(STEADY);
    joined(client, "general", 1);
    transport.last().drop(1006);
    client.send("general", "after the rejoin");
    reconnect(Duration.ofMillis(500), "s2", false);

    assertThat(transport.last().received).hasExactlyElementsOfTypes(ClientFrame.Join.class, ClientFrame.Send.class);
  }

  @Test
  void liveMessagesHeldBackPastTheBoundAreFetchedFromHistory() {
    DefaultChatClient client = connected(STEADY);
    joined(client, "general", 0);
    transport.last().drop(1006);
    reconnect(Duration.ofMillis(500), "s2", true);
    events.take();
    ScriptedTransport.Conn conn = transport.last();
    ClientFrame.Join rejoin = conn.take(ClientFrame.Join.class);
    int flood = FollowedRooms.MAX_HELD_BACK + 10;
    for (long seq = 2; seq < 2 + flood; seq++) {
      conn.push(new ServerFrame.MessageEvent(message("general", seq, "live")));
    }
    conn.push(new ServerFrame.Joined(rejoin.id(), "general", "e1", 1, List.of(ALICE),
        List.of(message("general", 1, "missed")), false, true));

    // The rejoin said "nothing more", but what was dropped is past it: read on until it is reached.
    ClientFrame.History page = conn.take(ClientFrame.History.class);
    assertThat(page.after()).isEqualTo(1);
    List<dev.natter.chat.ChatMessage> rest = LongStream.range(2, 2 + flood)
        .mapToObj(seq -> message("general", seq, "from history")).toList();
    conn.push(new ServerFrame.HistoryReply(page.id(), "general", "e1", rest, false));

    List<String> seen = events.take();
    assertThat(seen).hasSize(flood + 2);
    assertThat(seen.subList(0, flood + 1)).containsExactlyElementsOf(
        LongStream.range(1, 2 + flood).mapToObj(seq -> "message general " + seq).toList());
    assertThat(seen.get(flood + 1)).startsWith("recovery general true");
  }

  @Test
  void deliveriesAreDeduplicatedByMidAndNeverGoBackInSeq() {
    DefaultChatClient client = connected(STEADY);
    joined(client, "general", 0);
    ScriptedTransport.Conn conn = transport.last();
    conn.push(new ServerFrame.MessageEvent(message("general", 1, "m-a", "one")));
    conn.push(new ServerFrame.MessageEvent(message("general", 1, "m-a", "one again")));
    conn.push(new ServerFrame.MessageEvent(message("general", 2, "m-a", "one, under another seq")));
    conn.push(new ServerFrame.MessageEvent(message("general", 3, "m-b", "two")));
    conn.push(new ServerFrame.MessageEvent(message("general", 2, "m-c", "behind")));

    assertThat(events.take()).containsExactly("message general 1", "message general 3");
  }

  // ---- direct conversations ----

  @Test
  void directConversationsAreFollowedFromTheWelcomeAndTheirFirstMessage() {
    DefaultChatClient client = client(STEADY);
    client.connect();
    transport.last().welcome("s1", false, Limits.defaults(),
        List.of(new DirectConversation("dm:alice:bob", ScriptedTransport.BOB, 4, "e1")));
    ScriptedTransport.Conn conn = transport.last();
    conn.push(new ServerFrame.MessageEvent(message("dm:alice:carol", 1, "hi")));
    ClientFrame.History question = conn.take(ClientFrame.History.class);
    assertThat(question.room()).isEqualTo("dm:alice:carol");
    conn.push(new ServerFrame.HistoryReply(question.id(), "dm:alice:carol", "e1", List.of(), true));
    conn.push(new ServerFrame.MessageEvent(message("dm:alice:dave", 1, "hey")));
    conn.drop(1006);
    reconnect(Duration.ofMillis(500), "s2", true);

    List<ClientFrame.Join> rejoins = new ArrayList<>();
    while (!transport.last().received.isEmpty()) {
      rejoins.add(transport.last().take(ClientFrame.Join.class));
    }
    assertThat(rejoins).extracting(j -> j.room() + " " + j.sinceSeq() + "@" + j.sinceEpoch())
        .containsExactlyInAnyOrder("dm:alice:bob 4@e1", "dm:alice:carol 1@e1",
            "dm:alice:dave null@null");
    ClientFrame.Join dave = rejoins.stream().filter(j -> j.room().equals("dm:alice:dave")).findFirst()
        .orElseThrow();
    events.take();
    transport.last().push(new ServerFrame.Joined(dave.id(), "dm:alice:dave", "e1", 1, List.of(), List.of(),
        false, null));
    assertThat(events.take()).containsExactly("recovery dm:alice:dave false since 1@unknown latest 1@e1");
  }

  @Test
  void aDirectConversationBegunWhileAwayIsCaughtUpFromItsStart() {
    DefaultChatClient client = connected(STEADY);
    transport.last().drop(1006);
    clock.advance(Duration.ofMillis(500));
    transport.last().welcome("s2", true, Limits.defaults(),
        List.of(new DirectConversation("dm:alice:bob", ScriptedTransport.BOB, 2, "e1")));
    events.take();

    ClientFrame.Join rejoin = transport.last().take(ClientFrame.Join.class);
    assertThat(rejoin.room()).isEqualTo("dm:alice:bob");
    assertThat(rejoin.sinceSeq()).isZero();
    transport.last().push(new ServerFrame.Joined(rejoin.id(), "dm:alice:bob", "e1", 2, List.of(),
        List.of(message("dm:alice:bob", 1, "hi"), message("dm:alice:bob", 2, "you there?")), false, true));
    assertThat(events.take()).containsExactly("message dm:alice:bob 1", "message dm:alice:bob 2",
        "recovery dm:alice:bob true since 0@e1 latest 2@e1");
    assertThat(client.welcome().directs()).hasSize(1);
  }

  // ---- helpers ----

  private static void assertUnavailable(CompletableFuture<?> future) {
    assertThat(unavailable(future).code()).isEqualTo(Code.UNAVAILABLE);
  }

  private static ChatException unavailable(CompletableFuture<?> future) {
    assertThat(future).isCompletedExceptionally();
    Throwable error = future.handle((value, e) -> e).join();
    assertThat(error).isInstanceOf(ChatException.class);
    return (ChatException) error;
  }
}
