package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.User;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ServerFrame;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** PROTOCOL.md section 2: {@code hello} and what may come before {@code welcome}. */
class HelloRulesTest extends EngineTestSupport {

  @Test
  void helloWithoutANameIsBadRequestAndACorrectedHelloThenWorks() {
    start();
    FakeConnection connection = connect("anon");

    expectError(connection, new ClientFrame.Hello("h1", 1, null, null, null), Code.BAD_REQUEST);
    assertThat(server.onlineUsers()).isEmpty();
    assertThat(connection.closeSoFar()).isNull();

    connection.receive(new ClientFrame.Hello("h2", 1, "Alice", null, null));
    ServerFrame.Welcome welcome = connection.next(ServerFrame.Welcome.class);
    assertThat(welcome.id()).isEqualTo("h2");
    assertThat(welcome.v()).isEqualTo(1);
    assertThat(welcome.user()).isEqualTo(new User("alice", "Alice"));
    assertThat(welcome.resumed()).isFalse();
    assertThat(welcome.directs()).isEmpty();
    assertThat(welcome.session()).isNotBlank();
    assertThat(server.onlineUsers()).containsExactly(new User("alice", "Alice"));
  }

  static Stream<String> invalidNames() {
    return Stream.of(
        "bad*name",
        "a:b",
        "a".repeat(33),
        // 33 code points, each a letter outside the BMP (two chars each).
        Character.toString(0x1D400).repeat(33),
        " lead",
        "trail ",
        "",
        "tab\tname");
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" is invalid_name")
  @MethodSource("invalidNames")
  void anInvalidNameIsInvalidNameAndTheClientMayTryAgain(String name) {
    start();
    FakeConnection connection = connect("anon");

    expectError(connection, new ClientFrame.Hello("h1", 1, name, null, null), Code.INVALID_NAME);
    assertThat(server.onlineUsers()).isEmpty();

    assertThat(hello(connection, "alice").user()).isEqualTo(ALICE);
  }

  @Test
  void aNameOf32CodePointsIsAcceptedEvenWhenThatIs64Chars() {
    start();
    String letters = Character.toString(0x1D400).repeat(32);
    FakeConnection connection = connect("long");

    ServerFrame.Welcome welcome = hello(connection, letters);

    assertThat(welcome.user().name()).isEqualTo(letters);
  }

  @Test
  void versionTwoIsUnsupportedVersionAndAMissingVersionMeansOne() {
    start();
    FakeConnection connection = connect("anon");

    expectError(connection, new ClientFrame.Hello("h1", 2, "alice", null, null), Code.UNSUPPORTED_VERSION);
    assertThat(server.onlineUsers()).isEmpty();

    connection.receive(new ClientFrame.Hello("h2", null, "alice", null, null));
    ServerFrame.Welcome welcome = connection.next(ServerFrame.Welcome.class);
    assertThat(welcome.id()).isEqualTo("h2");
    assertThat(welcome.v()).isEqualTo(1);
  }

  @Test
  void aNameHeldByAnotherSessionIsTakenCaseInsensitively() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection other = connect("other");

    expectError(other, new ClientFrame.Hello("h1", 1, "Alice", null, null), Code.NAME_TAKEN);
    expectError(other, new ClientFrame.Hello("h2", 1, "ALICE", null, null), Code.NAME_TAKEN);

    // The holder keeps its session, untouched.
    assertNothingElseSent(alice);
    assertThat(alice.closeSoFar()).isNull();
    assertThat(server.onlineUsers()).containsExactly(ALICE);
    // The refused connection may still pick another name.
    assertThat(hello(other, "bob").user()).isEqualTo(BOB);
  }

  @Test
  void theNameSystemIsTaken() {
    start();
    FakeConnection connection = connect("anon");

    expectError(connection, new ClientFrame.Hello("h1", 1, "system", null, null), Code.NAME_TAKEN);
    expectError(connection, new ClientFrame.Hello("h2", 1, "System", null, null), Code.NAME_TAKEN);

    assertThat(server.onlineUsers()).isEmpty();
    assertThat(connection.closeSoFar()).isNull();
  }

  @Test
  void aFrameBeforeHelloIsNotAuthenticatedAndClosesWith4001() {
    start();
    FakeConnection connection = connect("eager");

    expectError(connection, new ClientFrame.Join("j1", "general", null, null, null), Code.NOT_AUTHENTICATED);

    assertThat(connection.awaitClose().code()).isEqualTo(CloseCodes.NOT_AUTHENTICATED);
    assertThat(server.members("general")).isEmpty();
    assertThat(server.rooms()).isEmpty();
  }

  @Test
  void aMalformedFrameBeforeHelloIsBadRequestAndTheConnectionStaysOpen() {
    start();
    FakeConnection connection = connect("clumsy");

    expectError(connection, new ClientFrame.Malformed("m1", "not a JSON object"), Code.BAD_REQUEST);

    assertThat(connection.closeSoFar()).isNull();
    assertThat(hello(connection, "alice").user()).isEqualTo(ALICE);
    assertNothingElseSent(connection);
  }

  @Test
  void aSecondHelloAfterWelcomeIsBadRequestAndKeepsTheSession() {
    start();
    FakeConnection connection = login("alice");
    join(connection, "general");

    expectError(connection, new ClientFrame.Hello("h9", 1, "bob", null, null), Code.BAD_REQUEST);

    assertThat(server.onlineUsers()).containsExactly(ALICE);
    assertThat(members(connection, "general")).containsExactly(ALICE);
    assertThat(connection.closeSoFar()).isNull();
  }

  @Test
  void noHelloWithinTheHelloTimeoutClosesWith4001() {
    start(limits().helloTimeout(Duration.ofMillis(200)).build());
    FakeConnection quick = login("alice");
    FakeConnection silent = connect("silent");

    assertThat(silent.awaitClose().code()).isEqualTo(CloseCodes.NOT_AUTHENTICATED);
    assertThat(silent.received()).isEmpty();

    // The connection that said hello in time is not affected by the deadline.
    assertNothingElseSent(quick);
    assertThat(quick.closeSoFar()).isNull();
  }

  @Test
  void theHelloDeadlineKeepsRunningAfterARefusedHello() {
    start(limits().helloTimeout(Duration.ofMillis(200)).build());
    FakeConnection connection = connect("hesitant");

    expectError(connection, new ClientFrame.Hello("h1", 1, "bad*name", null, null), Code.INVALID_NAME);

    assertThat(connection.awaitClose().code()).isEqualTo(CloseCodes.NOT_AUTHENTICATED);
  }
}
