package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.RoomAuthorizer;
import dev.natter.chat.User;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ServerFrame;
import org.junit.jupiter.api.Test;

/** The application's rights per user and room, on top of the protocol's own rules. */
class RoomAuthorizerTest extends EngineTestSupport {

  @Override
  RoomAuthorizer roomAuthorizer() {
    return new RoomAuthorizer() {
      @Override
      public boolean mayJoin(User user, String room) {
        if (room.equals("broken")) {
          throw new IllegalStateException("the rights service is down");
        }
        return !room.equals("staff") || user.id().equals("alice");
      }

      @Override
      public boolean maySend(User user, String room) {
        return !room.equals("announcements") || user.id().equals("alice");
      }

      @Override
      public boolean mayReadHistory(User user, String room) {
        return !room.equals("vault") || user.id().equals("alice");
      }
    };
  }

  @Test
  void aRefusedJoinIsForbiddenAndAnnouncesNothing() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection bob = login("bob");
    join(alice, "staff");

    expectError(bob, new ClientFrame.Join("j1", "staff", null, null, null), Code.FORBIDDEN);

    assertNothingElseSent(alice);
    assertThat(server.members("staff")).containsExactly(ALICE);
  }

  @Test
  void aRefusedSendIsForbiddenAndNothingIsStoredOrDelivered() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection bob = login("bob");
    join(alice, "announcements");
    join(bob, "announcements");
    alice.next(ServerFrame.PresenceEvent.class);

    expectError(bob, new ClientFrame.Send("s1", "announcements", null, "me too", null), Code.FORBIDDEN);

    assertNothingElseSent(alice);
    assertThat(storedTexts(alice, "announcements")).isEmpty();
    send(alice, "announcements", "welcome");
    assertThat(nextMessage(bob).text()).isEqualTo("welcome");
  }

  @Test
  void withoutTheRightToReadHistoryAJoinShowsNoneAndHistoryIsForbidden() {
    start();
    FakeConnection alice = login("alice");
    join(alice, "vault");
    send(alice, "vault", "the combination");
    FakeConnection bob = login("bob");

    ServerFrame.Joined joined = join(bob, "vault");
    assertThat(joined.messages()).isEmpty();
    assertThat(joined.more()).isFalse();
    expectError(bob, new ClientFrame.History("h1", "vault", null, null, null), Code.FORBIDDEN);
    alice.next(ServerFrame.PresenceEvent.class);
    send(alice, "vault", "live, though");
    assertThat(nextMessage(bob).text()).as("a member still receives live messages").isEqualTo("live, though");
  }

  @Test
  void aFailingAuthorizerIsInternal() {
    start();
    FakeConnection bob = login("bob");
    expectError(bob, new ClientFrame.Join("j1", "broken", null, null, null), Code.INTERNAL);
    join(bob, "general");
  }

  @Test
  void othersDirectRoomsStayPrivateWhateverTheAuthorizerSays() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection bob = login("bob");
    sendTo(alice, "bob", "psst");
    nextMessage(bob);
    FakeConnection carol = login("carol");

    expectError(carol, new ClientFrame.Join("j1", "dm:alice:bob", null, null, null), Code.FORBIDDEN);
    expectError(carol, new ClientFrame.History("h1", "dm:alice:bob", null, null, null), Code.FORBIDDEN);
  }
}
