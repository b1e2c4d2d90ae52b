package dev.natter.chat.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.Limits;
import dev.natter.chat.Presence;
import dev.natter.chat.RoomInfo;
import dev.natter.chat.User;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonCodecTest {
  private static final User ALICE = new User("alice", "Alice");
  private static final User BOB = new User("bob", "bob");
  private static final Instant TS = Instant.ofEpochMilli(1_763_800_000_000L);
  private static final ChatMessage IN_ROOM =
      new ChatMessage("general", 58, "01JDXYZ", ALICE, null, "hi all", TS, "c-7f1");
  private static final ChatMessage DIRECT =
      new ChatMessage("dm:alice:bob", 3, "01JDXZZ", ALICE, BOB, "psst", TS, null);

  private final JsonCodec codec = new JsonCodec(65_536);

  // ---- server frames: the exact JSON of docs/protocol.md ----

  @Test
  void aMessageHasTheFieldsOfTheProtocolAndNoId() {
    assertThat(codec.encode(new ServerFrame.MessageEvent(IN_ROOM)))
        .isEqualTo("{\"type\":\"message\",\"room\":\"general\",\"seq\":58,\"mid\":\"01JDXYZ\","
            + "\"from\":{\"id\":\"alice\",\"name\":\"Alice\"},\"text\":\"hi all\",\"ts\":1763800000000,"
            + "\"cid\":\"c-7f1\"}");
    assertThat(codec.encode(new ServerFrame.MessageEvent(DIRECT)))
        .contains("\"to\":{\"id\":\"bob\",\"name\":\"bob\"}")
        .doesNotContain("cid");
  }

  @Test
  void okWithSeqAndPlainOk() {
    assertThat(codec.encode(new ServerFrame.SendOk("6", "general", 58, "01JDXYZ", TS)))
        .isEqualTo("{\"type\":\"ok\",\"id\":\"6\",\"room\":\"general\",\"seq\":58,\"mid\":\"01JDXYZ\","
            + "\"ts\":1763800000000}");
    assertThat(codec.encode(new ServerFrame.Ok("3"))).isEqualTo("{\"type\":\"ok\",\"id\":\"3\"}");
  }

  @Test
  void presenceCarriesAReasonOnlyForLeave() {
    assertThat(codec.encode(new ServerFrame.PresenceEvent(Presence.join("general", BOB))))
        .isEqualTo("{\"type\":\"presence\",\"room\":\"general\",\"event\":\"join\","
            + "\"user\":{\"id\":\"bob\",\"name\":\"bob\"}}");
    assertThat(codec.encode(new ServerFrame.PresenceEvent(
            Presence.leave("general", BOB, Presence.Reason.DISCONNECT))))
        .endsWith("\"reason\":\"disconnect\"}");
  }

  @Test
  void anErrorCarriesRetryAfterOnlyWhenSet() {
    ChatStatus limited =
        ChatStatus.of(ChatStatus.Code.RATE_LIMITED, "slow down").withRetryAfter(Duration.ofMillis(1200));
    assertThat(codec.encode(new ServerFrame.ErrorReply("6", limited)))
        .isEqualTo("{\"type\":\"error\",\"id\":\"6\",\"code\":\"rate_limited\",\"message\":\"slow down\","
            + "\"retryAfterMs\":1200}");
    assertThat(codec.encode(new ServerFrame.ErrorReply(null,
            ChatStatus.of(ChatStatus.Code.BAD_REQUEST, "no"))))
        .isEqualTo("{\"type\":\"error\",\"code\":\"bad_request\",\"message\":\"no\"}");
  }

  @Test
  void welcomeReportsEveryLimitAndANullRateLimit() {
    Limits limits = Limits.defaults().toBuilder().rateLimit(null).build();
    String json = codec.encode(new ServerFrame.Welcome("1", 1, ALICE, "tok", false,
        List.of(new DirectConversation("dm:alice:bob", BOB, 3, "e1")), List.of("general"), limits));
    assertThat(json)
        .contains("\"rooms\":[\"general\"]")
        .contains("\"directs\":[{\"room\":\"dm:alice:bob\",\"with\":{\"id\":\"bob\",\"name\":\"bob\"},"
            + "\"seq\":3,\"epoch\":\"e1\"}]")
        .contains("\"limits\":{\"maxFrameBytes\":65536,\"maxTextChars\":4000,\"rateLimit\":null,"
            + "\"helloTimeoutMs\":10000,\"presenceGraceMs\":5000,\"pageMax\":100,"
            + "\"outboundQueueFrames\":1000,\"outboundQueueBytes\":4194304,\"maxConnections\":10000}");
  }

  @Test
  void joinedOmitsRecoveredWhenNoCursorWasGiven() {
    String fresh = codec.encode(new ServerFrame.Joined("2", "general", "k3x", 58, List.of(ALICE),
        List.of(IN_ROOM), false, null));
    assertThat(fresh).doesNotContain("recovered").contains("\"messages\":[{\"room\":\"general\",\"seq\":58");
    assertThat(fresh).doesNotContain("\"messages\":[{\"type\"");
    assertThat(codec.encode(new ServerFrame.Joined("2", "general", "k3x", 58, List.of(), List.of(),
            false, true)))
        .endsWith("\"more\":false,\"recovered\":true}");
  }

  @Test
  void textIsEscapedNotInterpreted() {
    ChatMessage tricky = new ChatMessage("general", 1, "m", ALICE, null,
        "\"}, {\"type\":\"x\"\n\u0000 <b>é😀", TS, null);
    String json = codec.encode(new ServerFrame.MessageEvent(tricky));
    ServerFrame back = codec.decodeServerFrame(json);
    assertThat(((ServerFrame.MessageEvent) back).message()).isEqualTo(tricky);
  }

  @Test
  void everyServerFrameSurvivesARoundTrip() {
    List<ServerFrame> frames = List.of(
        new ServerFrame.Welcome("1", 1, ALICE, "tok", true,
            List.of(new DirectConversation("dm:alice:bob", BOB, 3, "e1")), List.of("general", "random"),
            Limits.defaults()),
        new ServerFrame.Welcome("1", 1, ALICE, "tok", false, List.of(), null, Limits.defaults()),
        new ServerFrame.Joined("2", "general", "k3x", 58, List.of(ALICE, BOB), List.of(IN_ROOM), true, false),
        new ServerFrame.Ok("3"),
        new ServerFrame.SendOk("6", "general", 58, "01JDXYZ", TS),
        new ServerFrame.MessageEvent(IN_ROOM),
        new ServerFrame.MessageEvent(DIRECT),
        new ServerFrame.PresenceEvent(Presence.leave("general", BOB, Presence.Reason.KICKED)),
        new ServerFrame.HistoryReply("8", "general", "k3x", List.of(IN_ROOM), true),
        new ServerFrame.RoomsReply("4", List.of(new RoomInfo("general", 3))),
        new ServerFrame.MembersReply("5", "general", List.of(ALICE)),
        new ServerFrame.Pong("9"),
        new ServerFrame.ErrorReply("6", ChatStatus.of(ChatStatus.Code.RATE_LIMITED, "slow down")
            .withRetryAfter(Duration.ofMillis(1200))));
    for (ServerFrame frame : frames) {
      assertThat(codec.decodeServerFrame(codec.encode(frame))).as("%s", frame).isEqualTo(frame);
    }
  }

  @Test
  void aBrokenServerFrameIsAnIllegalArgument() {
    assertThatThrownBy(() -> codec.decodeServerFrame("{nope")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.decodeServerFrame("{\"type\":\"ok\",\"seq\":\"x\"}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.decodeServerFrame("{\"type\":\"teleport\"}"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Found by JsonCodecFuzzTest: these escaped as NullPointerException and ChatException. */
  @Test
  void aServerFrameTheRecordsRefuseIsAnIllegalArgumentToo() {
    assertThatThrownBy(() -> codec.decodeServerFrame("{\"type\":\"error\",\"code\":\"internal\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("missing field message");
    assertThatThrownBy(() -> codec.decodeServerFrame("{\"type\":\"presence\",\"room\":\"general\","
            + "\"event\":\"join\",\"user\":{\"id\":\"bob\",\"name\":\"bob%\"}}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.decodeServerFrame("{\"type\":\"presence\",\"room\":\"general\","
            + "\"event\":\"join\",\"user\":{\"id\":\"bob:dm\",\"name\":\"bob\"}}"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- client frames ----

  @Test
  void everyClientFrameSurvivesARoundTrip() {
    List<ClientFrame> frames = List.of(
        new ClientFrame.Hello("1", 1, "alice", "tok", "res"),
        new ClientFrame.Hello("1", null, "alice", null, null),
        new ClientFrame.Join("2", "general", 41L, "k3x", 100),
        new ClientFrame.Join("2", "general", null, null, null),
        new ClientFrame.Leave("3", "general"),
        new ClientFrame.Send("6", "general", null, "hi all", "c-7f1"),
        new ClientFrame.Send("7", null, "bob", "psst", null),
        new ClientFrame.History("8", "general", 58L, null, 50),
        new ClientFrame.History(null, "general", null, 3L, null),
        new ClientFrame.ListRooms("4"),
        new ClientFrame.ListMembers("5", "general"),
        new ClientFrame.Ping("9"));
    for (ClientFrame frame : frames) {
      assertThat(codec.decodeClientFrame(codec.encode(frame))).as("%s", frame).isEqualTo(frame);
    }
  }

  @Test
  void theProtocolsExamplesDecode() {
    assertThat(codec.decodeClientFrame(
            "{\"type\":\"join\",\"id\":\"2\",\"room\":\"general\",\"since\":{\"seq\":41,\"epoch\":\"k3x\"},"
                + "\"limit\":100}"))
        .isEqualTo(new ClientFrame.Join("2", "general", 41L, "k3x", 100));
    assertThat(codec.decodeClientFrame(
            "{\"type\":\"send\",\"id\":\"7\",\"to\":\"bob\",\"text\":\"psst\",\"cid\":\"c-7f2\"}"))
        .isEqualTo(new ClientFrame.Send("7", null, "bob", "psst", "c-7f2"));
  }

  @Test
  void unknownFieldsAndForgedIdentityAreIgnored() {
    assertThat(codec.decodeClientFrame("{\"type\":\"send\",\"id\":\"6\",\"room\":\"general\",\"text\":\"hi\","
            + "\"from\":{\"id\":\"bob\",\"name\":\"bob\"},\"seq\":999,\"mid\":\"x\",\"ts\":1,\"extra\":[1,{}]}"))
        .isEqualTo(new ClientFrame.Send("6", "general", null, "hi", null));
  }

  @Test
  void jsonNullReadsAsAbsent() {
    assertThat(codec.decodeClientFrame("{\"type\":\"send\",\"id\":\"6\",\"room\":\"general\",\"text\":\"hi\","
            + "\"cid\":null,\"to\":null}"))
        .isEqualTo(new ClientFrame.Send("6", "general", null, "hi", null));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{nope", "", "   ", "[1,2]", "\"hello\"", "42", "null", "true", "{\"type\":\"ping\"} trailing",
      "{\"id\":\"1\"}", "{\"type\":7}", "{\"type\":\"teleport\",\"id\":\"1\"}",
      "{\"type\":\"join\",\"id\":\"1\"}", "{\"type\":\"join\",\"room\":[]}",
      "{\"type\":\"join\",\"room\":\"g\",\"since\":{\"seq\":1}}",
      "{\"type\":\"join\",\"room\":\"g\",\"since\":5}",
      "{\"type\":\"join\",\"room\":\"g\",\"limit\":1.5}",
      "{\"type\":\"join\",\"room\":\"g\",\"limit\":99999999999}",
      "{\"type\":\"history\",\"room\":\"g\",\"before\":\"58\"}",
      "{\"type\":\"history\",\"room\":\"g\",\"before\":99999999999999999999}",
      "{\"type\":\"history\",\"room\":\"g\",\"before\":123456789012345678901234567890}",
      "{\"type\":\"send\",\"room\":\"g\",\"text\":42}", "{\"type\":\"send\",\"room\":\"g\"}",
      "{\"type\":\"hello\",\"v\":\"1\",\"name\":\"a\"}", "{\"type\":\"hello\",\"v\":1e3,\"name\":\"a\"}",
      "{\"type\":\"ping\",\"type\":\"pong\"}", "{\"type\":\"ping\",\"id\":5}", "{\"type\":\"ping\",\"id\":{}}",
      "{\"type\":\"ping\",\"id\":\"1\",", "{\"type\":\"ping\" \"id\":\"1\"}", "{'type':'ping'}", "\uFEFF{}"})
  void badInputIsMalformedNeverAnException(String text) {
    assertThat(codec.decodeClientFrame(text)).isInstanceOf(ClientFrame.Malformed.class);
  }

  @Test
  void aMalformedFrameKeepsAValidIdAndDropsAnInvalidOne() {
    assertThat(codec.decodeClientFrame("{\"type\":\"teleport\",\"id\":\"17\"}"))
        .isEqualTo(new ClientFrame.Malformed("17", "unknown type \"teleport\""));
    assertThat(codec.decodeClientFrame("{\"type\":\"ping\",\"id\":17}").id()).isNull();
    assertThat(((ClientFrame.Malformed) codec.decodeClientFrame("{\"type\":\"join\",\"id\":\"2\"}")).problem())
        .isEqualTo("missing field room");
  }

  @Test
  void nestingIsCutAtThirtyTwoLevels() {
    // The frame's own object is level 1.
    String deep32 = "{\"type\":\"ping\",\"id\":\"1\",\"x\":" + "[".repeat(31) + "]".repeat(31) + "}";
    assertThat(codec.decodeClientFrame(deep32)).isEqualTo(new ClientFrame.Ping("1"));
    String deep33 = "{\"type\":\"ping\",\"id\":\"1\",\"x\":" + "[".repeat(32) + "]".repeat(32) + "}";
    assertThat(codec.decodeClientFrame(deep33)).isInstanceOf(ClientFrame.Malformed.class);
    String veryDeep = "[".repeat(60_000);
    assertThat(codec.decodeClientFrame(veryDeep)).isInstanceOf(ClientFrame.Malformed.class);
  }

  @Test
  void stringsLongerThanTheFrameLimitAreRefused() {
    JsonCodec small = new JsonCodec(1_000);
    String fits = "{\"type\":\"send\",\"room\":\"g\",\"text\":\"" + "a".repeat(900) + "\"}";
    assertThat(small.decodeClientFrame(fits)).isInstanceOf(ClientFrame.Send.class);
    String tooLong = "{\"type\":\"send\",\"room\":\"g\",\"text\":\"" + "a".repeat(5_000) + "\"}";
    assertThat(small.decodeClientFrame(tooLong)).isInstanceOf(ClientFrame.Malformed.class);
  }

  @Test
  void randomBytesNeverThrow() {
    Random random = new Random(42);
    String alphabet = "{}[]\":,0123456789.eE-+ truefalsnul\\u\"typeidroomtext";
    String[] seeds = {
        codec.encode(new ClientFrame.Send("6", "general", null, "hi", "c")),
        codec.encode(new ClientFrame.Join("2", "general", 41L, "k3x", 100)),
        codec.encode(new ClientFrame.Hello("1", 1, "alice", "t", null))};
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder(seeds[i % seeds.length]);
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits && text.length() > 0; e++) {
        int at = random.nextInt(text.length());
        switch (random.nextInt(3)) {
          case 0 -> text.deleteCharAt(at);
          case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> text.setCharAt(at, (char) random.nextInt(0x3000));
        }
      }
      ClientFrame frame = codec.decodeClientFrame(text.toString());
      assertThat(frame).as(text.toString()).isNotNull();
    }
  }

  @Test
  void aMalformedFrameCannotBeSent() {
    assertThatThrownBy(() -> codec.encode(new ClientFrame.Malformed("1", "x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
