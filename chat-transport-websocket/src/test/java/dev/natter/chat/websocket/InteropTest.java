package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natter.chat.ChatServer;
import dev.natter.chat.Limits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proof that a client that is not ours can talk to Natter: the JDK's WebSocket sends the JSON of
 * docs/protocol.md by hand and checks the exact replies.
 */
class InteropTest {
  private WebSocketServerTransport transport;
  private ChatServer server;

  @BeforeEach
  void startServer() throws IOException {
    transport = WebSocketServerTransport.forPort(0)
        .allowedOrigins(List.of("https://chat.example.com"))
        .build();
    server = ChatServer.builder(transport).build().start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void helloGetsAWelcomeWithTheLimits() {
    try (JdkSocket alice = JdkSocket.open(transport.uri())) {
      alice.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"name\":\"Alice\"}");
      JsonNode welcome = alice.next("welcome");
      assertThat(welcome.get("id").asText()).isEqualTo("1");
      assertThat(welcome.get("v").asInt()).isEqualTo(1);
      assertThat(welcome.get("user")).isEqualTo(JdkSocket.parse("{\"id\":\"alice\",\"name\":\"Alice\"}"));
      assertThat(welcome.get("session").asText()).isNotBlank();
      assertThat(welcome.get("resumed").asBoolean()).isFalse();
      assertThat(welcome.get("directs").isArray()).isTrue();
      assertThat(welcome.get("directs")).isEmpty();
      JsonNode limits = welcome.get("limits");
      Limits defaults = Limits.defaults();
      assertThat(limits.get("maxFrameBytes").asInt()).isEqualTo(defaults.maxFrameBytes());
      assertThat(limits.get("maxTextChars").asInt()).isEqualTo(defaults.maxTextChars());
      assertThat(limits.get("rateLimit")).isEqualTo(JdkSocket.parse("{\"sends\":20,\"perMs\":10000}"));
      assertThat(limits.get("helloTimeoutMs").asLong()).isEqualTo(10_000);
      assertThat(limits.get("presenceGraceMs").asLong()).isEqualTo(5_000);
      assertThat(limits.get("pageMax").asInt()).isEqualTo(100);
    }
  }

  @Test
  void twoPlainClientsChatInARoom() {
    try (JdkSocket alice = JdkSocket.open(transport.uri());
         JdkSocket bob = JdkSocket.open(transport.uri())) {
      alice.hello("alice");
      bob.hello("bob");

      alice.send("{\"type\":\"join\",\"id\":\"2\",\"room\":\"general\"}");
      JsonNode joined = alice.next("joined");
      assertThat(joined.get("id").asText()).isEqualTo("2");
      assertThat(joined.get("room").asText()).isEqualTo("general");
      assertThat(joined.get("seq").asLong()).isZero();
      assertThat(joined.get("epoch").asText()).isNotBlank();
      assertThat(joined.get("members")).isEqualTo(JdkSocket.parse("[{\"id\":\"alice\",\"name\":\"alice\"}]"));
      assertThat(joined.get("messages")).isEmpty();
      assertThat(joined.get("more").asBoolean()).isFalse();
      assertThat(joined.has("recovered")).as("no recovered without since").isFalse();

      bob.send("{\"type\":\"join\",\"id\":\"b2\",\"room\":\"general\"}");
      bob.next("joined");
      assertThat(alice.next("presence")).isEqualTo(JdkSocket.parse(
          "{\"type\":\"presence\",\"room\":\"general\",\"event\":\"join\",\"user\":{\"id\":\"bob\",\"name\":\"bob\"}}"));

      alice.send("{\"type\":\"send\",\"id\":\"6\",\"room\":\"general\",\"text\":\"hi all\",\"cid\":\"c-7f1\"}");
      JsonNode atBob = bob.next("message");
      assertThat(atBob.has("id")).as("events carry no id").isFalse();
      assertThat(atBob.get("room").asText()).isEqualTo("general");
      assertThat(atBob.get("seq").asLong()).isEqualTo(1);
      assertThat(atBob.get("from")).isEqualTo(JdkSocket.parse("{\"id\":\"alice\",\"name\":\"alice\"}"));
      assertThat(atBob.get("text").asText()).isEqualTo("hi all");
      assertThat(atBob.get("cid").asText()).isEqualTo("c-7f1");
      assertThat(atBob.has("to")).isFalse();
      JsonNode first = alice.next();
      JsonNode second = alice.next();
      JsonNode ok = first.get("type").asText().equals("ok") ? first : second;
      JsonNode own = ok == first ? second : first;
      assertThat(own.get("type").asText()).isEqualTo("message");
      assertThat(ok.get("id").asText()).isEqualTo("6");
      assertThat(ok.get("room").asText()).isEqualTo("general");
      assertThat(ok.get("seq").asLong()).isEqualTo(1);
      assertThat(ok.get("mid").asText()).isEqualTo(atBob.get("mid").asText()).hasSize(26);
      assertThat(ok.get("ts").asLong()).isEqualTo(atBob.get("ts").asLong()).isPositive();

      bob.send("{\"type\":\"history\",\"id\":\"8\",\"room\":\"general\",\"limit\":50}");
      JsonNode history = bob.next("history");
      assertThat(history.get("id").asText()).isEqualTo("8");
      assertThat(history.get("epoch").asText()).isEqualTo(joined.get("epoch").asText());
      assertThat(history.get("messages")).hasSize(1);
      assertThat(history.get("messages").get(0).get("text").asText()).isEqualTo("hi all");
      assertThat(history.get("more").asBoolean()).isFalse();

      bob.send("{\"type\":\"rooms\",\"id\":\"4\"}");
      assertThat(bob.next("rooms").get("rooms"))
          .isEqualTo(JdkSocket.parse("[{\"room\":\"general\",\"members\":2}]"));
      bob.send("{\"type\":\"members\",\"id\":\"5\",\"room\":\"general\"}");
      assertThat(bob.next("members").get("members")).hasSize(2);
      bob.send("{\"type\":\"ping\",\"id\":\"9\"}");
      assertThat(bob.next()).isEqualTo(JdkSocket.parse("{\"type\":\"pong\",\"id\":\"9\"}"));

      bob.send("{\"type\":\"leave\",\"id\":\"3\",\"room\":\"general\"}");
      assertThat(bob.next()).isEqualTo(JdkSocket.parse("{\"type\":\"ok\",\"id\":\"3\"}"));
      assertThat(alice.next("presence")).isEqualTo(JdkSocket.parse("{\"type\":\"presence\",\"room\":\"general\","
          + "\"event\":\"leave\",\"user\":{\"id\":\"bob\",\"name\":\"bob\"},\"reason\":\"left\"}"));
    }
  }

  @Test
  void aDirectMessageAndTheWelcomeThatListsIt() {
    try (JdkSocket alice = JdkSocket.open(transport.uri());
         JdkSocket bob = JdkSocket.open(transport.uri())) {
      alice.hello("alice");
      bob.hello("bob");
      alice.send("{\"type\":\"send\",\"id\":\"7\",\"to\":\"bob\",\"text\":\"psst\",\"cid\":\"c-7f2\"}");
      JsonNode atBob = bob.next("message");
      assertThat(atBob.get("room").asText()).isEqualTo("dm:alice:bob");
      assertThat(atBob.get("to")).isEqualTo(JdkSocket.parse("{\"id\":\"bob\",\"name\":\"bob\"}"));
      assertThat(atBob.get("seq").asLong()).isEqualTo(1);
    }
    try (JdkSocket bobAgain = JdkSocket.open(transport.uri())) {
      JsonNode welcome = bobAgain.hello("bob");
      JsonNode direct = welcome.get("directs").get(0);
      assertThat(direct.get("room").asText()).isEqualTo("dm:alice:bob");
      assertThat(direct.get("with")).isEqualTo(JdkSocket.parse("{\"id\":\"alice\",\"name\":\"alice\"}"));
      assertThat(direct.get("seq").asLong()).isEqualTo(1);
      assertThat(direct.get("epoch").asText()).isNotBlank();
    }
  }

  @Test
  void anErrorEchoesTheIdAndNamesTheCode() {
    try (JdkSocket alice = JdkSocket.open(transport.uri())) {
      alice.hello("alice");
      alice.send("{\"type\":\"send\",\"id\":\"6\",\"room\":\"nowhere\",\"text\":\"hi\"}");
      JsonNode error = alice.next("error");
      assertThat(error.get("id").asText()).isEqualTo("6");
      assertThat(error.get("code").asText()).isEqualTo("not_member");
      assertThat(error.get("message").asText()).isNotBlank();
    }
  }

  @Test
  void browsersFromOtherOriginsAreRefusedWith403() {
    URI uri = transport.uri();
    try (JdkSocket same = JdkSocket.openFrom(uri, "http://127.0.0.1:" + transport.port());
         JdkSocket listed = JdkSocket.openFrom(uri, "HTTPS://CHAT.EXAMPLE.COM")) {
      assertThat(same.hello("alice").get("user").get("id").asText()).isEqualTo("alice");
      assertThat(listed.hello("bob").get("user").get("id").asText()).isEqualTo("bob");
    }
    try {
      JdkSocket.openFrom(uri, "https://evil.example.com").close();
      throw new AssertionError("a foreign origin was let in");
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
      assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(403);
    }
  }

  @Test
  void plainHttpOnTheChatPortGetsAnHttpAnswerNotAHang() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + transport.port() + "/nothing-here")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);
  }
}
