package dev.natter.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void readsTheTopLevelFieldsOfAMessageEventNotTheNestedOnes() {
    String frame = "{\"type\":\"message\",\"room\":\"general\",\"seq\":58,\"mid\":\"01JD\","
        + "\"from\":{\"id\":\"alice\",\"name\":\"alice\"},\"text\":\"hi all\",\"ts\":1763800000000,\"cid\":\"c-7f1\"}";

    String[] f = Json.fields(frame, "type", "room", "text", "seq", "id");

    assertThat(f).containsExactly("message", "general", "hi all", "58", null);
  }

  @Test
  void readsAnOksIdWhateverTheOrderAndTheSpacing() {
    String frame = " {\n \"seq\" : 58 , \"id\" : \"6\", \"type\":\"ok\" ,\"room\":\"general\"}\r\n";

    assertThat(Json.fields(frame, "type", "id", "seq")).containsExactly("ok", "6", "58");
  }

  @Test
  void decodesEscapesInValuesAndKeys() {
    String frame = "{\"t\\u0065xt\":\"a \\\"quote\\\", a \\\\ and \\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00\"}";

    assertThat(Json.fields(frame, "text")).containsExactly("a \"quote\", a \\ and / \b\f\n\r\t \u00e9 \ud83d\ude00");
  }

  @Test
  void skipsNestedValuesWholeEvenWithBracketsInTheirStrings() {
    String frame = "{\"members\":[{\"id\":\"x\",\"name\":\"]}{[\\\"\"},[],{}],\"limits\":{\"a\":{\"b\":[1,2]}},"
        + "\"id\":\"2\",\"type\":\"joined\"}";

    assertThat(Json.fields(frame, "type", "id", "members", "limits")).containsExactly("joined", "2", null, null);
  }

  @Test
  void absentFieldsAndJsonNullReadAsNullAndLiteralsAsTheirText() {
    String frame = "{\"type\":\"error\",\"code\":null,\"retryAfterMs\":-1.5e3,\"resumed\":true,\"more\":false}";

    assertThat(Json.fields(frame, "code", "retryAfterMs", "resumed", "more", "message"))
        .containsExactly(null, "-1.5e3", "true", "false", null);
  }

  @Test
  void theFirstOfTwoFieldsWithOneNameCounts() {
    assertThat(Json.fields("{\"type\":\"a\",\"type\":\"b\"}", "type")).containsExactly("a");
  }

  @Test
  void anEmptyObjectHasNoFields() {
    assertThat(Json.fields("{ }", "type")).containsExactly((String) null);
  }

  @Test
  void refusesWhatIsNotOneObject() {
    assertRefused("[1]", "expected {");
    assertRefused("", "expected {");
    assertRefused("{\"type\":\"ok\"} x", "not one JSON object");
    assertRefused("{\"type\":\"ok\"} {}", "text after the object");
    for (String broken : List.of("{\"type\":\"ok\"", "{\"type\" \"ok\"}", "{\"type\":\"ok\";}",
        "{\"type\":ok}", "{\"text\":\"\\x\"}", "{\"text\":\"\\u00g1\"}", "{\"a\":[1,{\"b\":2}")) {
      assertRefused(broken, "not one JSON object");
    }
  }

  @Test
  void quotesWhatNeedsQuotingAndReadsBackTheSame() {
    String text = "say \"hi\"\\\n\t\r\u0001 \u00e9";

    String quoted = Json.quote(text);

    assertThat(quoted).isEqualTo("\"say \\\"hi\\\"\\\\\\n\\t\\r\\u0001 \u00e9\"");
    assertThat(Json.fields("{\"text\":" + quoted + "}", "text")).containsExactly(text);
  }

  private static void assertRefused(String json, String message) {
    assertThatThrownBy(() -> Json.fields(json, "type", "text"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
