package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.Presence;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ServerFrame;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md section 4, direct messages. */
class DirectMessageTest extends EngineTestSupport {

  @Test
  void aDirectMessageGoesToTheSortedRoomAndToBothUsersOnly() {
    start();
    FakeConnection bob = login("bob");
    FakeConnection alice = login("alice");
    FakeConnection carol = login("carol");

    Sent sent = sendTo(bob, "alice", "psst");

    assertThat(sent.ok().room()).isEqualTo("dm:alice:bob");
    assertThat(sent.ok().seq()).isEqualTo(1);
    ChatMessage message = sent.message();
    assertThat(message.room()).isEqualTo("dm:alice:bob");
    assertThat(message.from()).isEqualTo(BOB);
    assertThat(message.to()).isEqualTo(ALICE);
    assertThat(message.text()).isEqualTo("psst");
    assertThat(nextMessage(alice)).isEqualTo(message);
    assertNothingElseSent(carol);
    assertNothingElseSent(alice);
    assertNothingElseSent(bob);
    // Direct rooms are not listed.
    assertThat(server.rooms()).isEmpty();
  }

  @Test
  void bothUsersMaySendToTheirDirectRoomByNameAndItsSeqContinues() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection bob = login("bob");
    sendTo(alice, "bob", "one");
    nextMessage(bob);

    Sent reply = send(bob, "dm:alice:bob", "two");

    assertThat(reply.ok().seq()).isEqualTo(2);
    assertThat(reply.message().to()).isEqualTo(ALICE);
    assertThat(nextMessage(alice)).isEqualTo(reply.message());
  }

  @Test
  void welcomeListsTheDirectRoomForAUserWhoConnectsLater() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection bob = login("bob");
    join(bob, "general");
    join(alice, "general");
    bob.next(ServerFrame.PresenceEvent.class);
    // Alice leaves for good; she stays known.
    alice.clientClose(CloseCodes.NORMAL);
    assertThat(bob.next())
        .isEqualTo(new ServerFrame.PresenceEvent(Presence.leave("general", ALICE, Presence.Reason.LEFT)));

    Sent sent = sendTo(bob, "alice", "while you were away");
    String epoch = history(bob, "dm:alice:bob", null, null, null).epoch();

    ServerFrame.Welcome welcome = hello(connect("alice-later"), "alice");
    assertThat(welcome.directs())
        .containsExactly(new DirectConversation("dm:alice:bob", BOB, sent.ok().seq(), epoch));
  }

  @Test
  void aThirdUserCannotReadTheDirectRoom() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection bob = login("bob");
    sendTo(alice, "bob", "psst");
    nextMessage(bob);
    FakeConnection carol = login("carol");

    expectError(carol, new ClientFrame.History("h1", "dm:alice:bob", null, null, null), Code.FORBIDDEN);

    assertThat(history(bob, "dm:alice:bob", null, null, null).messages())
        .extracting(ChatMessage::text).containsExactly("psst");
  }
}
