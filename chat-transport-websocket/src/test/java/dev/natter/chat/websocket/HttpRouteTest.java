package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP routes on the chat's port: what reaches the route, and what the transport answers itself. */
class HttpRouteTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final AtomicReference<HttpCall> seen = new AtomicReference<>();
  private WebSocketServerTransport transport;
  private ChatServer server;

  @BeforeEach
  void start() throws IOException {
    transport = WebSocketServerTransport.forPort(0)
        .route("POST", "/echo", call -> {
          seen.set(call);
          return HttpReply.json(200, "{\"got\":" + call.bodyText() + "}");
        })
        .route("POST", "/broken", call -> {
          throw new IllegalStateException("password=hunter2");
        })
        .build();
    server = ChatServer.builder(transport).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aRouteGetsTheBodyAndHeadersAndItsReplyIsSent() throws Exception {
    HttpResponse<String> response = post("/echo", "{\"a\":1}", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"got\":{\"a\":1}}");
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(seen.get().method()).isEqualTo("POST");
    assertThat(seen.get().path()).isEqualTo("/echo");
    assertThat(seen.get().header("Content-Type")).isEqualTo("application/json");
    assertThat(seen.get().toString()).doesNotContain("\"a\"");
  }

  @Test
  void theTransportRefusesWhatTheRouteShouldNeverSee() throws Exception {
    HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(uri("/echo")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(post("/echo", "\"" + "x".repeat(HttpCall.MAX_BODY_BYTES) + "\"", null).statusCode()).isEqualTo(413);
    assertThat(post("/echo", "{}", "https://evil.example.com").statusCode()).isEqualTo(403);
    assertThat(post("/echo", "{}", "http://127.0.0.1:" + transport.port()).statusCode()).isEqualTo(200);
    seen.set(null);
    post("/echo", "{}", "https://evil.example.com");
    assertThat(seen.get()).as("a refused call never reaches the route").isNull();
  }

  @Test
  void aFailingRouteIs500AndTheServerStaysUp() throws Exception {
    HttpResponse<String> response = post("/broken", "{}", null);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).doesNotContain("hunter2");
    try (JdkSocket socket = JdkSocket.open(transport.uri())) {
      assertThat(socket.hello("alice").path("type").asText()).isEqualTo("welcome");
    }
  }

  @Test
  void routesAreCheckedWhenConfigured() {
    WebSocketServerTransport.Builder builder = WebSocketServerTransport.forPort(0);
    builder.route("POST", "/login", call -> HttpReply.text(200, "ok"));
    assertThatThrownBy(() -> builder.route("POST", "/login", call -> null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.route("POST", "/chat", call -> null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.route("post", "/x", call -> null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpReply.text(42, "no")).isInstanceOf(IllegalArgumentException.class);
  }

  private HttpResponse<String> post(String path, String json, String origin) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (origin != null) {
      request.header("Origin", origin);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + transport.port() + path);
  }
}
