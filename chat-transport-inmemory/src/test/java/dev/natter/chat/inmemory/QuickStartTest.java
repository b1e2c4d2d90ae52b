package dev.natter.chat.inmemory;

// quick-start:begin
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.inmemory.testing.ChatTestKit;
import dev.natter.chat.testing.RecordingListener;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class QuickStartTest {
  @RegisterExtension final ChatTestKit chat = ChatTestKit.create();

  @Test
  void twoClientsChat() {
    chat.startServer();
    RecordingListener bob = new RecordingListener();
    ChatClient aliceClient = chat.connect("alice");
    ChatClient bobClient = chat.connect("bob", bob);
    aliceClient.join("general").join();
    bobClient.join("general").join();

    aliceClient.send("general", "hi bob!").join();

    ChatMessage received = bob.takeMessage(Duration.ofSeconds(5));
    assertEquals("hi bob!", received.text());
    assertEquals("alice", received.from().name());
  }
}
// quick-start:end
