package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natter.chat.Limits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Frames that are text but not what docs/protocol.md §1 asks for, sent by hand over a real socket: each
 * gets its exact answer, the connection stays open (a following {@code ping} gets its {@code pong}), and
 * alice and bob, chatting in {@code general} meanwhile, notice nothing.
 */
class BadInputTest {
  private Bystanders chat;
  private JdkSocket mallory;

  @BeforeEach
  void start() {
    chat = Bystanders.start(Limits.defaults());
    mallory = chat.connect("mallory");
  }

  @AfterEach
  void stop() {
    chat.close();
  }

  @Test
  void notJsonIsABadRequestWithoutIdAndTheConnectionStays() {
    for (String frame : new String[] {"{nope", "", "   ", "{\"type\":\"ping\",\"id\":\"t\"} trailing",
        "{\"type\":\"ping\",\"id\":\"t\"}{\"type\":\"ping\",\"id\":\"u\"}", "{\"type\":\"ping\",\"id\":\"t\""}) {
      mallory.send(frame);
      assertBadRequest(mallory.next("error"), null, frame);
      assertStillOpen(mallory);
      chat.assertStillChatting();
    }
  }

  @Test
  void jsonThatIsNotAnObjectIsABadRequest() {
    for (String frame : new String[] {"[1,2]", "\"x\"", "42", "null", "true", "[{\"type\":\"ping\",\"id\":\"a\"}]"}) {
      mallory.send(frame);
      assertBadRequest(mallory.next("error"), null, frame);
      assertStillOpen(mallory);
    }
    chat.assertStillChatting();
  }

  @Test
  void aMistypedFieldIsABadRequestThatEchoesAValidId() {
    mallory.send("{\"type\":\"send\",\"id\":\"1\",\"room\":\"general\",\"text\":42}");
    assertBadRequest(mallory.next("error"), "1", "text 42");
    mallory.send("{\"type\":\"send\",\"id\":\"2\",\"room\":[\"general\"],\"text\":\"hi\"}");
    assertBadRequest(mallory.next("error"), "2", "room as an array");
    mallory.send("{\"type\":\"members\",\"id\":\"3\",\"room\":{\"name\":\"general\"}}");
    assertBadRequest(mallory.next("error"), "3", "room as an object");
    mallory.send("{\"type\":7,\"id\":\"4\"}");
    assertBadRequest(mallory.next("error"), "4", "type as a number");
    mallory.send("{\"type\":\"history\",\"id\":\"5\",\"room\":\"general\",\"limit\":\"10\"}");
    assertBadRequest(mallory.next("error"), "5", "limit as a string");
    mallory.send("{\"type\":\"history\",\"id\":\"6\",\"room\":\"general\",\"limit\":1.5}");
    assertBadRequest(mallory.next("error"), "6", "limit as a fraction");
    mallory.send("{\"type\":\"history\",\"id\":\"7\",\"room\":\"general\",\"limit\":1e3}");
    assertBadRequest(mallory.next("error"), "7", "limit with an exponent");
    mallory.send("{\"type\":\"history\",\"id\":\"8\",\"room\":\"general\",\"limit\":2147483648}");
    assertBadRequest(mallory.next("error"), "8", "limit past 2^31-1");
    // Refused by the parser itself, so only the code is asserted (see the report on ids).
    mallory.send("{\"type\":\"history\",\"id\":\"9\",\"room\":\"general\",\"before\":12345678901234567890}");
    assertThat(mallory.next("error").get("code").asText()).as("20 digits").isEqualTo("bad_request");
    mallory.send("{\"type\":\"ping\",\"id\":\"10\",\"id\":\"11\"}");
    assertThat(mallory.next("error").get("code").asText()).as("a field named twice").isEqualTo("bad_request");
    assertStillOpen(mallory);
    chat.assertStillChatting();
  }

  @Test
  void anIdThatIsNotAShortStringIsABadRequestWithoutId() {
    mallory.send("{\"type\":\"send\",\"id\":5,\"room\":\"general\",\"text\":\"hi\"}");
    assertBadRequest(mallory.next("error"), null, "id 5");
    mallory.send("{\"type\":\"ping\",\"id\":{\"a\":\"b\"}}");
    assertBadRequest(mallory.next("error"), null, "id as an object");
    mallory.send("{\"type\":\"ping\",\"id\":\"" + "x".repeat(65) + "\"}");
    assertBadRequest(mallory.next("error"), null, "id of 65 characters");

    String longest = "y".repeat(64);
    mallory.send("{\"type\":\"ping\",\"id\":\"" + longest + "\"}");
    assertThat(mallory.next()).isEqualTo(JdkSocket.parse("{\"type\":\"pong\",\"id\":\"" + longest + "\"}"));
    chat.assertStillChatting();
  }

  @Test
  void anUnknownTypeIsABadRequestEchoingTheId() {
    mallory.send("{\"type\":\"dance\",\"id\":\"u1\"}");
    assertBadRequest(mallory.next("error"), "u1", "unknown type");
    mallory.send("{\"type\":\"" + "z".repeat(5_000) + "\",\"id\":\"u2\"}");
    JsonNode error = mallory.next("error");
    assertBadRequest(error, "u2", "long unknown type");
    assertThat(error.get("message").asText()).as("the error does not echo the whole type").hasSizeLessThan(200);
    mallory.send("{\"id\":\"u3\"}");
    assertBadRequest(mallory.next("error"), "u3", "no type");
    assertStillOpen(mallory);
    chat.assertStillChatting();
  }

  @Test
  void aMissingFieldIsABadRequest() {
    mallory.send("{\"type\":\"join\",\"id\":\"m1\"}");
    assertBadRequest(mallory.next("error"), "m1", "join without room");
    mallory.send("{\"type\":\"join\",\"id\":\"m2\",\"room\":null}");
    assertBadRequest(mallory.next("error"), "m2", "join with room null");
    mallory.send("{\"type\":\"send\",\"id\":\"m3\",\"room\":\"general\"}");
    assertBadRequest(mallory.next("error"), "m3", "send without text");
    mallory.send("{\"type\":\"members\",\"id\":\"m4\"}");
    assertBadRequest(mallory.next("error"), "m4", "members without room");
    mallory.send("{\"type\":\"join\",\"id\":\"m5\",\"room\":\"general\",\"since\":{\"seq\":1}}");
    assertBadRequest(mallory.next("error"), "m5", "since without epoch");
    assertStillOpen(mallory);
    chat.assertStillChatting();
  }

  @Test
  void nestingIsLimitedTo32LevelsWithoutAStackOverflow() {
    // The frame object is level 1: 31 arrays inside it make 32 levels, which are allowed.
    mallory.send("{\"type\":\"ping\",\"id\":\"d32\",\"x\":" + "[".repeat(31) + "]".repeat(31) + "}");
    assertThat(mallory.next()).isEqualTo(JdkSocket.parse("{\"type\":\"pong\",\"id\":\"d32\"}"));

    String[] deep = {
      "{\"type\":\"ping\",\"id\":\"d33\",\"x\":" + "[".repeat(32) + "]".repeat(32) + "}",
      "{\"type\":\"ping\",\"id\":\"d10k\",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}",
      "{\"type\":\"ping\",\"id\":\"o10k\",\"x\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000) + "}",
      "[".repeat(60_000),
    };
    for (String frame : deep) {
      assertThat(frame.length()).isLessThan(Limits.defaults().maxFrameBytes());
      mallory.send(frame);
      // Refused by the parser itself, so only the code is asserted (see the report on ids).
      JsonNode error = mallory.next("error");
      assertThat(error.get("code").asText()).as("code for a frame of %s chars", frame.length())
          .isEqualTo("bad_request");
      assertStillOpen(mallory);
      chat.assertStillChatting();
    }
  }

  @Test
  void aTextOverTheLimitIsTooLargeAndNothingReachesTheRoom() {
    chat.alice.send(send("big", "a".repeat(60_000)));
    JsonNode error = chat.alice.next("error");
    assertThat(error.get("id").asText()).isEqualTo("big");
    assertThat(error.get("code").asText()).isEqualTo("too_large");
    chat.assertStillChatting();

    // Lengths count code points: 4000 emoji (8000 UTF-16 chars) are allowed, one more is not.
    String emoji = "\uD83D\uDE00";
    chat.alice.send(send("e4000", emoji.repeat(4_000)));
    JsonNode atBob = chat.bob.next("message");
    assertThat(atBob.get("text").asText()).isEqualTo(emoji.repeat(4_000));
    assertThat(atBob.get("seq").asLong()).isEqualTo(chat.nextSeq());
    assertThat(Bystanders.okAndOwnCopy(chat.alice).get("id").asText()).isEqualTo("e4000");
    chat.alice.send(send("e4001", emoji.repeat(4_001)));
    assertThat(chat.alice.next("error").get("code").asText()).isEqualTo("too_large");
    chat.assertStillChatting();

    chat.alice.send("{\"type\":\"send\",\"id\":\"blank\",\"room\":\"general\",\"text\":\" \\t\\u3000 \"}");
    assertBadRequest(chat.alice.next("error"), "blank", "blank text");
    chat.assertStillChatting();
  }

  @Test
  void forgedIdentityFieldsInASendAreIgnored() {
    long before = System.currentTimeMillis();
    chat.alice.send("{\"type\":\"send\",\"id\":\"f\",\"room\":\"general\",\"text\":\"trust me\","
        + "\"from\":{\"id\":\"bob\",\"name\":\"bob\"},\"user\":{\"id\":\"bob\",\"name\":\"bob\"},"
        + "\"seq\":999,\"mid\":\"01FORGED0000000000000000000\",\"ts\":1}");
    JsonNode atBob = chat.bob.next("message");
    long after = System.currentTimeMillis();
    assertThat(atBob.get("text").asText()).isEqualTo("trust me");
    assertThat(atBob.get("from")).isEqualTo(Bystanders.ALICE);
    assertThat(atBob.get("seq").asLong()).isEqualTo(chat.nextSeq());
    assertThat(atBob.get("mid").asText()).isNotEqualTo("01FORGED0000000000000000000");
    assertThat(atBob.get("ts").asLong()).isBetween(before, after);
    assertThat(atBob.has("user")).isFalse();
    JsonNode ok = Bystanders.okAndOwnCopy(chat.alice);
    assertThat(ok.get("seq")).isEqualTo(atBob.get("seq"));
    assertThat(ok.get("mid")).isEqualTo(atBob.get("mid"));
    assertThat(ok.get("ts")).isEqualTo(atBob.get("ts"));
    chat.assertStillChatting();
  }

  @Test
  void unknownFieldsAreIgnored() {
    chat.alice.send("{\"type\":\"send\",\"id\":\"x\",\"room\":\"general\",\"text\":\"with extras\","
        + "\"extra\":{\"a\":1},\"more\":[null,true,\"s\"],\"v\":99}");
    JsonNode atBob = chat.bob.next("message");
    assertThat(atBob.get("text").asText()).isEqualTo("with extras");
    assertThat(atBob.get("seq").asLong()).isEqualTo(chat.nextSeq());
    assertThat(atBob.has("extra")).isFalse();
    assertThat(Bystanders.okAndOwnCopy(chat.alice).get("id").asText()).isEqualTo("x");
    // A null field counts as absent.
    chat.alice.send("{\"type\":\"send\",\"id\":\"n\",\"room\":\"general\",\"text\":\"no cid\",\"cid\":null}");
    JsonNode withoutCid = chat.bob.next("message");
    assertThat(withoutCid.get("text").asText()).isEqualTo("no cid");
    assertThat(withoutCid.get("seq").asLong()).isEqualTo(chat.nextSeq());
    assertThat(withoutCid.has("cid")).isFalse();
    assertThat(Bystanders.okAndOwnCopy(chat.alice).get("id").asText()).isEqualTo("n");
    mallory.send("{\"type\":\"ping\",\"id\":\"p\",\"room\":42,\"extra\":{\"a\":1}}");
    assertThat(mallory.next()).isEqualTo(JdkSocket.parse("{\"type\":\"pong\",\"id\":\"p\"}"));
    chat.assertStillChatting();
  }

  /** A {@code send} to {@code general}; {@code text} must need no JSON escaping. */
  private static String send(String id, String text) {
    return "{\"type\":\"send\",\"id\":\"" + id + "\",\"room\":\"general\",\"text\":\"" + text + "\"}";
  }

  /** A ping still gets its pong: the connection is open and answering. */
  static void assertStillOpen(JdkSocket socket) {
    socket.send("{\"type\":\"ping\",\"id\":\"alive\"}");
    assertThat(socket.next()).isEqualTo(JdkSocket.parse("{\"type\":\"pong\",\"id\":\"alive\"}"));
    assertThat(socket.isClosed()).isFalse();
  }

  /** An {@code error} {@code bad_request} carrying {@code id}, or no id at all when {@code id} is null. */
  static void assertBadRequest(JsonNode error, String id, String what) {
    assertThat(error.get("type").asText()).as("type for %s", what).isEqualTo("error");
    assertThat(error.get("code").asText()).as("code for %s: %s", what, error).isEqualTo("bad_request");
    assertThat(error.get("message").asText()).as("message for %s", what).isNotBlank();
    if (id == null) {
      assertThat(error.has("id")).as("id in %s for %s", error, what).isFalse();
    } else {
      assertThat(error.path("id").asText(null)).as("id in %s for %s", error, what).isEqualTo(id);
    }
  }
}
