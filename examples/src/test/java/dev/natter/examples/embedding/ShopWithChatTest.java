package dev.natter.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.User;
import dev.natter.chat.testing.RecordingListener;
import dev.natter.chat.websocket.WebSocketClientTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShopWithChatTest {

  @Test
  void anOrderInTheShopIsPostedToTheStaffsChat() throws Exception {
    try (ShopWithChat app = ShopWithChat.start(0, 0)) {
      RecordingListener staff = new RecordingListener();
      try (ChatClient client = ChatClient.builder(WebSocketClientTransport.forUri(URI.create(app.chatUrl())).build())
          .name("staff").listener(staff).build()) {
        client.connect().join();
        client.join("orders").join();

        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
            .send(HttpRequest.newBuilder(URI.create(app.shopUrl() + "/order"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(201);
        ChatMessage posted = staff.takeMessage(Duration.ofSeconds(10));
        assertThat(posted.from()).isEqualTo(User.SYSTEM);
        assertThat(posted.text()).isEqualTo("New order #1 just came in.");
      }
    }
  }
}
