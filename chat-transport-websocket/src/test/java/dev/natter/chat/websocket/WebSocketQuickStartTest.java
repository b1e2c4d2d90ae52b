package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatServer;
import dev.natter.chat.SendReceipt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** README.md's WebSocket example is this code, word for word. */
class WebSocketQuickStartTest {

  @Test
  void aServerAndAClientOverARealSocket() throws IOException {
    SendReceipt receipt;
    // websocket:begin
    WebSocketServerTransport transport = WebSocketServerTransport.forAddress("127.0.0.1", 0).build();
    try (ChatServer server = ChatServer.builder(transport).build().start();
         ChatClient alice = ChatClient.builder(WebSocketClientTransport.forUri(transport.uri()).build())
             .name("alice")
             .build()) {
      alice.connect().join();
      alice.join("general").join();
      receipt = alice.send("general", "hello over a socket").join();
      // websocket:end
      assertThat(server.members("general")).extracting("id").containsExactly("alice");
    }
    assertThat(receipt.seq()).isEqualTo(1);
  }

  @Test
  void readmeShowsThisCode() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    String test = Files.readString(Path.of("src", "test", "java", "dev", "natter", "chat", "websocket",
        "WebSocketQuickStartTest.java"));
    String tested = between(test, "    // websocket:begin\n", "      // websocket:end").lines()
        .map(line -> line.substring(4))
        .map(line -> line.replace("receipt = alice.send", "alice.send"))
        .collect(Collectors.joining("\n", "", "\n"));
    String shown = between(readme, "<!-- websocket:begin -->\n```java\n", "```\n<!-- websocket:end -->");
    assertThat(shown).isEqualTo(tested + "}\n");
  }

  private static String between(String text, String begin, String end) {
    int from = text.indexOf(begin);
    int to = text.indexOf(end, from + 1);
    assertThat(from).as("marker %s", begin.strip()).isNotNegative();
    assertThat(to).as("marker %s", end.strip()).isPositive();
    return text.substring(from + begin.length(), to);
  }
}
