package dev.natter.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The API's values check their components when constructed. */
class ValuesTest {

  @ParameterizedTest
  @ValueSource(strings = {"alice", "Zoë", "jean-luc.picard", "a_b", "two words", "名前", "x1"})
  void validUserNamesAreAccepted(String name) {
    assertThat(User.anonymous(name).name()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " alice", "alice ", "bad*name", "a:b", "tab\there", "<script>"})
  void invalidUserNamesAreRefusedWithInvalidName(String name) {
    assertThatThrownBy(() -> User.anonymous(name))
        .isInstanceOfSatisfying(ChatException.class,
            e -> assertThat(e.code()).isEqualTo(ChatStatus.Code.INVALID_NAME));
  }

  @Test
  void aHandshakeNeverShowsCredentials() {
    Handshake handshake = new Handshake("127.0.0.1", java.util.Map.of(
        "Authorization", java.util.List.of("Bearer eyJ.secret.token"),
        "Cookie", java.util.List.of("session=s3cret"),
        "User-Agent", java.util.List.of("curl")), null);
    Authenticator.AuthRequest request = new Authenticator.AuthRequest("alice", "eyJ.other.token", handshake);

    assertThat(handshake.header("authorization")).isEqualTo("Bearer eyJ.secret.token");
    assertThat(handshake.toString()).contains("curl").doesNotContain("secret", "s3cret");
    assertThat(request.toString()).doesNotContain("secret", "s3cret", "other");
  }

  @Test
  void userNamesCountCodePointsNotChars() {
    String emojiName = "😀".repeat(32);
    assertThat(emojiName.length()).isEqualTo(64);
    assertThat(User.isValidName(emojiName)).as("32 letters? no: emoji are not letters").isFalse();
    String letters = "𝒜".repeat(32);
    assertThat(User.isValidName(letters)).isTrue();
    assertThat(User.isValidName(letters + "𝒜")).isFalse();
  }

  @Test
  void anonymousIdsAreLowerCaseNames() {
    assertThat(User.anonymous("Alice")).isEqualTo(new User("alice", "Alice"));
    assertThat(User.anonymous("İstanbul").id()).isEqualTo("İstanbul".toLowerCase(java.util.Locale.ROOT));
  }

  @Test
  void userIdsHaveNoColonsOrControlCharacters() {
    assertThat(User.isValidId("a".repeat(64))).isTrue();
    assertThat(User.isValidId("a".repeat(65))).isFalse();
    assertThat(User.isValidId("a:b")).isFalse();
    assertThat(User.isValidId("a\u0007")).isFalse();
    assertThat(User.isValidId("")).isFalse();
  }

  @Test
  void roomNamesFollowTheRules() {
    assertThat(Rooms.isValidName("general")).isTrue();
    assertThat(Rooms.isValidName("r".repeat(64))).isTrue();
    assertThat(Rooms.isValidName("r".repeat(65))).isFalse();
    assertThat(Rooms.isValidName("with space")).isFalse();
    assertThat(Rooms.isValidName("dm:a:b")).isFalse();
    assertThat(Rooms.isValidName("")).isFalse();
  }

  @Test
  void directRoomsNameTheirUsersInSortedOrder() {
    assertThat(Rooms.direct("bob", "alice")).isEqualTo("dm:alice:bob");
    assertThat(Rooms.direct("alice", "bob")).isEqualTo("dm:alice:bob");
    assertThat(Rooms.directUsers("dm:alice:bob")).containsExactly("alice", "bob");
    assertThat(Rooms.directUsers("dm:bob:alice")).as("unsorted").isNull();
    assertThat(Rooms.directUsers("dm:alice")).isNull();
    assertThat(Rooms.directUsers("dm:alice:alice")).isNull();
    assertThat(Rooms.directUsers("general")).isNull();
    assertThatThrownBy(() -> Rooms.direct("alice", "alice")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMessageChecksItsRoomAndSeq() {
    User alice = new User("alice", "alice");
    User bob = new User("bob", "bob");
    Instant now = Instant.now();
    assertThat(new ChatMessage("general", 1, "m", alice, null, "hi", now, null).isDirect()).isFalse();
    assertThat(new ChatMessage("dm:alice:bob", 1, "m", alice, bob, "hi", now, null).isDirect()).isTrue();
    assertThatThrownBy(() -> new ChatMessage("general", 0, "m", alice, null, "hi", now, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChatMessage("general", 1, "m", alice, bob, "hi", now, null))
        .hasMessageContaining("not a direct room");
    assertThatThrownBy(() -> new ChatMessage("bad room", 1, "m", alice, null, "hi", now, null))
        .hasMessageContaining("not a valid room name");
  }

  @Test
  void cursorsAndPagesRefuseNonsense() {
    assertThatThrownBy(() -> new Cursor(-1, "e")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Cursor(1, " ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PageRequest.latest(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PageRequest.before(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThat(PageRequest.after(5, 10).withLimit(3)).isEqualTo(PageRequest.after(5, 3));
  }

  @Test
  void presenceLeavesHaveReasonsAndJoinsHaveNone() {
    User alice = new User("alice", "alice");
    assertThat(Presence.join("general", alice).reason()).isNull();
    assertThat(Presence.leave("general", alice, Presence.Reason.KICKED).reason().wireName())
        .isEqualTo("kicked");
    assertThatThrownBy(() -> new Presence("general", Presence.Event.LEAVE, alice, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Presence("general", Presence.Event.JOIN, alice, Presence.Reason.LEFT))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void limitsDefaultToTheProtocolsAndRefuseNonPositiveSizes() {
    Limits defaults = Limits.defaults();
    assertThat(defaults.maxFrameBytes()).isEqualTo(65_536);
    assertThat(defaults.maxTextChars()).isEqualTo(4_000);
    assertThat(defaults.rateLimit()).isEqualTo(Limits.RateLimit.of(20, Duration.ofSeconds(10)));
    assertThat(defaults.helloTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.presenceGrace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.pageMax()).isEqualTo(100);
    assertThat(defaults.outboundQueueFrames()).isEqualTo(1_000);
    assertThat(defaults.outboundQueueBytes()).isEqualTo(4L * 1024 * 1024);
    assertThat(defaults.maxConnections()).isEqualTo(10_000);
    assertThat(defaults.toBuilder().maxConnections(3).build().maxConnections()).isEqualTo(3);
    assertThatThrownBy(() -> defaults.toBuilder().maxConnections(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConnections");
    assertThat(defaults.toBuilder().rateLimit(null).build().rateLimit()).isNull();
    assertThatThrownBy(() -> defaults.toBuilder().maxTextChars(0).build())
        .hasMessageContaining("maxTextChars");
    assertThatThrownBy(() -> defaults.toBuilder().helloTimeout(Duration.ZERO).build())
        .hasMessageContaining("helloTimeout");
    assertThatThrownBy(() -> Limits.RateLimit.of(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyCodeRoundTripsThroughItsWireNameAndUnknownNamesAreInternal() {
    List<String> names = new ArrayList<>();
    for (ChatStatus.Code code : ChatStatus.Code.values()) {
      assertThat(ChatStatus.Code.fromWireName(code.wireName())).isEqualTo(code);
      names.add(code.wireName());
    }
    assertThat(names).contains("bad_request", "not_authenticated", "auth_failed", "name_taken",
        "invalid_name", "unsupported_version", "not_member", "forbidden", "not_found", "too_large",
        "rate_limited", "internal");
    assertThat(ChatStatus.Code.fromWireName("from_the_future")).isEqualTo(ChatStatus.Code.INTERNAL);
  }

  @Test
  void anExceptionCarriesItsStatus() {
    ChatException e = ChatStatus.of(ChatStatus.Code.RATE_LIMITED, "slow down")
        .withRetryAfter(Duration.ofMillis(1200)).asException();
    assertThat(e.code()).isEqualTo(ChatStatus.Code.RATE_LIMITED);
    assertThat(e.status().retryAfter()).isEqualTo(Duration.ofMillis(1200));
    assertThat(e).hasMessage("rate_limited: slow down");
  }

  @Test
  void anAuthRequestNeverPrintsItsToken() {
    var request = new Authenticator.AuthRequest("alice", "secret-token", Handshake.of("127.0.0.1:1"));
    assertThat(request.toString()).doesNotContain("secret-token");
  }
}
