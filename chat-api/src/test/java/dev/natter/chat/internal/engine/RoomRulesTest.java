package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.Presence;
import dev.natter.chat.RoomInfo;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ServerFrame;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** PROTOCOL.md section 3: join, leave, members and rooms. */
class RoomRulesTest extends EngineTestSupport {

  // ---- join ----

  @Test
  void joinWithoutARoomIsBadRequest() {
    start();
    FakeConnection alice = login("alice");

    expectError(alice, new ClientFrame.Join("j1", null, null, null, null), Code.BAD_REQUEST);

    assertThat(server.rooms()).isEmpty();
    assertNothingElseSent(alice);
  }

  static Stream<String> invalidRoomNames() {
    return Stream.of("bad room", "a/b", "hash#tag", "", "x".repeat(65), "a:b");
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" is invalid_name")
  @MethodSource("invalidRoomNames")
  void joinWithAnInvalidRoomNameIsInvalidName(String room) {
    start();
    FakeConnection alice = login("alice");

    expectError(alice, new ClientFrame.Join("j1", room, null, null, null), Code.INVALID_NAME);

    assertThat(server.rooms()).isEmpty();
    assertThat(server.members(room)).isEmpty();
  }

  @Test
  void aRoomNameOf64CodePointsIsValid() {
    start();
    FakeConnection alice = login("alice");
    String room = Character.toString(0x1D400).repeat(64);

    join(alice, room);

    assertThat(server.members(room)).containsExactly(ALICE);
  }

  @ParameterizedTest(name = "[{index}] limit {0} is bad_request")
  @ValueSource(ints = {0, -1})
  void joinWithALimitOfZeroOrLessIsBadRequest(int limit) {
    start();
    FakeConnection alice = login("alice");

    expectError(alice, new ClientFrame.Join("j1", "general", null, null, limit), Code.BAD_REQUEST);

    assertThat(members(alice, "general")).isEmpty();
    assertThat(server.rooms()).isEmpty();
  }

  @Test
  void joinWithOnlyOneOfSinceSeqAndSinceEpochIsBadRequest() {
    start();
    FakeConnection alice = login("alice");
    String epoch = join(login("bob"), "general").epoch();

    expectError(alice, new ClientFrame.Join("j1", "general", 3L, null, null), Code.BAD_REQUEST);
    expectError(alice, new ClientFrame.Join("j2", "general", null, epoch, null), Code.BAD_REQUEST);

    assertThat(members(alice, "general")).containsExactly(BOB);
  }

  @Test
  void joinWithANegativeSinceSeqIsBadRequest() {
    start();
    FakeConnection bob = login("bob");
    String epoch = join(bob, "general").epoch();
    FakeConnection alice = login("alice");

    expectError(alice, new ClientFrame.Join("j1", "general", -1L, epoch, null), Code.BAD_REQUEST);

    assertThat(members(alice, "general")).containsExactly(BOB);
    // Bob saw no presence of a join that did not happen.
    assertNothingElseSent(bob);
  }

  @Test
  void joiningADirectRoomOfOthersIsForbiddenWhetherOrNotItExists() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection bob = login("bob");
    sendTo(alice, "bob", "psst");
    nextMessage(bob);
    FakeConnection carol = login("carol");

    expectError(carol, new ClientFrame.Join("j1", "dm:alice:bob", null, null, null), Code.FORBIDDEN);
    expectError(carol, new ClientFrame.Join("j2", "dm:dave:erin", null, null, null), Code.FORBIDDEN);

    assertNothingElseSent(alice);
    assertNothingElseSent(bob);
    assertThat(history(alice, "dm:alice:bob", null, null, null).messages()).hasSize(1);
  }

  @Test
  void joiningTwiceSendsNoSecondPresence() {
    start();
    FakeConnection alice = login("alice");
    join(alice, "general");
    FakeConnection bob = login("bob");
    join(bob, "general");
    assertThat(alice.next()).isEqualTo(new ServerFrame.PresenceEvent(Presence.join("general", BOB)));

    ServerFrame.Joined again = join(bob, "general");

    assertThat(again.members()).containsExactly(ALICE, BOB);
    assertNothingElseSent(alice);
    assertThat(members(alice, "general")).containsExactly(ALICE, BOB);
  }

  @Test
  void presenceJoinGoesToTheOtherMembersAndNotToTheJoiner() {
    start();
    FakeConnection alice = login("alice");
    ServerFrame.Joined first = join(alice, "general");
    assertThat(first.members()).containsExactly(ALICE);
    FakeConnection carol = login("carol");
    join(carol, "elsewhere");

    FakeConnection bob = login("bob");
    ServerFrame.Joined joined = join(bob, "general");

    assertThat(joined.members()).containsExactly(ALICE, BOB);
    assertThat(alice.next()).isEqualTo(new ServerFrame.PresenceEvent(Presence.join("general", BOB)));
    assertNothingElseSent(alice);
    assertNothingElseSent(bob);
    assertNothingElseSent(carol);
  }

  // ---- leave ----

  @Test
  void leavingARoomNotJoinedIsNotMember() {
    start();
    FakeConnection bob = login("bob");
    join(bob, "general");
    FakeConnection alice = login("alice");

    expectError(alice, new ClientFrame.Leave("l1", "general"), Code.NOT_MEMBER);
    expectError(alice, new ClientFrame.Leave("l2", "nowhere"), Code.NOT_MEMBER);

    assertNothingElseSent(bob);
    assertThat(members(bob, "general")).containsExactly(BOB);
  }

  @Test
  void leaveWithoutARoomIsBadRequest() {
    start();
    FakeConnection alice = login("alice");
    join(alice, "general");

    expectError(alice, new ClientFrame.Leave("l1", null), Code.BAD_REQUEST);

    assertThat(members(alice, "general")).containsExactly(ALICE);
  }

  @Test
  void leaveGivesTheOthersPresenceLeaveWithReasonLeft() {
    start();
    FakeConnection alice = login("alice");
    join(alice, "general");
    FakeConnection bob = login("bob");
    join(bob, "general");
    alice.next(ServerFrame.PresenceEvent.class);

    bob.receive(new ClientFrame.Leave("l1", "general"));

    assertThat(bob.next()).isEqualTo(new ServerFrame.Ok("l1"));
    assertThat(alice.next())
        .isEqualTo(new ServerFrame.PresenceEvent(Presence.leave("general", BOB, Presence.Reason.LEFT)));
    assertThat(members(alice, "general")).containsExactly(ALICE);
    // Bob no longer receives the room's messages.
    send(alice, "general", "still there?");
    assertNothingElseSent(bob);
    // And a second leave is not_member.
    expectError(bob, new ClientFrame.Leave("l2", "general"), Code.NOT_MEMBER);
  }

  // ---- members and rooms ----

  @Test
  void membersOfADirectRoomOfOthersIsForbidden() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection bob = login("bob");
    sendTo(alice, "bob", "psst");
    nextMessage(bob);
    FakeConnection carol = login("carol");

    expectError(carol, new ClientFrame.ListMembers("m1", "dm:alice:bob"), Code.FORBIDDEN);
    expectError(carol, new ClientFrame.ListMembers("m2", "dm:dave:erin"), Code.FORBIDDEN);

    // Its own users may list it.
    assertThat(members(bob, "dm:alice:bob")).containsExactly(ALICE, BOB);
  }

  @Test
  void membersWorksForARoomNotJoined() {
    start();
    FakeConnection bob = login("bob");
    join(bob, "general");
    FakeConnection alice = login("alice");

    assertThat(members(alice, "general")).containsExactly(BOB);
  }

  @Test
  void roomsListsRoomsWithMemberCountsAndExcludesDirectRooms() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection bob = login("bob");
    join(alice, "general");
    join(alice, "random");
    join(bob, "general");
    alice.next(ServerFrame.PresenceEvent.class);
    sendTo(alice, "bob", "psst");
    nextMessage(bob);

    bob.receive(new ClientFrame.ListRooms("r1"));

    assertThat(bob.next())
        .isEqualTo(new ServerFrame.RoomsReply("r1", List.of(
            new RoomInfo("general", 2), new RoomInfo("random", 1))));
  }
}
