package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatServer;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ServerFrame;
import org.junit.jupiter.api.Test;

/** Kick, ban, mute and disconnect, as the room's members and the user see them. */
class ModerationTest extends EngineTestSupport {

  @Override
  void configure(ChatServer.Builder builder) {
    // A token names the user, so one user may hold several sessions (needed by the disconnect test).
    builder.authenticator(request -> request.token() != null
        ? new User(request.token(), request.token()) : User.anonymous(request.name()));
  }

  @Test
  void aKickedUserLeavesWithReasonKickedAndMayComeBack() {
    start();
    TwoMembers members = aliceAndBobIn("general");
    FakeConnection alice = members.alice();
    FakeConnection bob = members.bob();

    assertThat(server.kick("general", "bob")).isTrue();

    Presence kicked = Presence.leave("general", BOB, Presence.Reason.KICKED);
    assertThat(alice.next()).isEqualTo(new ServerFrame.PresenceEvent(kicked));
    assertThat(bob.next()).isEqualTo(new ServerFrame.PresenceEvent(kicked));
    expectError(bob, new ClientFrame.Send("s1", "general", null, "still here?", null), Code.NOT_MEMBER);
    assertThat(server.members("general")).containsExactly(ALICE);
    assertThat(server.kick("general", "bob")).as("not a member any more").isFalse();
    join(bob, "general");
  }

  @Test
  void aBannedUserIsKickedAndRefusedUntilUnbanned() {
    start();
    TwoMembers members = aliceAndBobIn("general");
    FakeConnection alice = members.alice();
    FakeConnection bob = members.bob();

    server.ban("general", "bob");

    assertThat(alice.next(ServerFrame.PresenceEvent.class).presence().reason()).isEqualTo(Presence.Reason.KICKED);
    bob.next(ServerFrame.PresenceEvent.class);
    expectError(bob, new ClientFrame.Join("j1", "general", null, null, null), Code.FORBIDDEN);
    assertNothingElseSent(alice);
    join(bob, "random");

    server.unban("general", "bob");
    join(bob, "general");
    assertThat(alice.next(ServerFrame.PresenceEvent.class).presence().event()).isEqualTo(Presence.Event.JOIN);
  }

  @Test
  void aMutedUserReadsButCannotSendUntilUnmuted() {
    start();
    TwoMembers members = aliceAndBobIn("general");
    FakeConnection alice = members.alice();
    FakeConnection bob = members.bob();

    server.mute("general", "bob");

    expectError(bob, new ClientFrame.Send("s1", "general", null, "let me speak", null), Code.FORBIDDEN);
    assertNothingElseSent(alice);
    assertThat(storedTexts(alice, "general")).isEmpty();
    send(alice, "general", "bob reads on");
    assertThat(nextMessage(bob).text()).isEqualTo("bob reads on");

    server.unmute("general", "bob");
    send(bob, "general", "thanks");
    assertThat(nextMessage(alice).text()).isEqualTo("thanks");
  }

  @Test
  void disconnectEndsEverySessionOfTheUserWith4003AndNoGrace() {
    start();
    FakeConnection alice = login("alice");
    join(alice, "general");
    FakeConnection laptop = connect("bob's laptop");
    laptop.receive(new ClientFrame.Hello("h1", 1, null, "bob", null));
    ServerFrame.Welcome welcome = laptop.next(ServerFrame.Welcome.class);
    FakeConnection phone = connect("bob's phone");
    phone.receive(new ClientFrame.Hello("h2", 1, null, "bob", null));
    phone.next(ServerFrame.Welcome.class);
    join(laptop, "general");
    join(phone, "general");
    alice.next(ServerFrame.PresenceEvent.class);

    assertThat(server.disconnect("bob")).isEqualTo(2);

    assertThat(laptop.awaitClose().code()).isEqualTo(CloseCodes.KICKED);
    assertThat(phone.awaitClose().code()).isEqualTo(CloseCodes.KICKED);
    assertThat(alice.next()).as("one leave for the user, at once, not after a grace period")
        .isEqualTo(new ServerFrame.PresenceEvent(
            Presence.leave("general", new User("bob", "bob"), Presence.Reason.KICKED)));
    FakeConnection again = connect("bob again");
    again.receive(new ClientFrame.Hello("h3", 1, null, "bob", welcome.session()));
    assertThat(again.next(ServerFrame.Welcome.class).resumed()).as("the old session is gone").isFalse();
    assertThat(server.disconnect("nobody")).isZero();
  }

  @Test
  void moderationRefusesBadArguments() {
    start();
    assertThatThrownBy(() -> server.ban("dm:alice:bob", "bob")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.mute("general", "bad:id")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.kick("no spaces", "bob")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.disconnect("")).isInstanceOf(IllegalArgumentException.class);
  }
}
