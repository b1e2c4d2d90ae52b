package dev.natter.chat.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatServer;
import dev.natter.chat.Limits;
import dev.natter.chat.spi.HistoryStore;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** README's "without the kit" wiring, run as written (between the markers). */
class ExplicitWiringTest {

  @Test
  void wiringByHandWorks() throws IOException {
    List<String> printed = new CopyOnWriteArrayList<>();
    // wiring:begin
    String name = InMemoryServerTransport.generateName();
    try (ChatServer server = ChatServer.builder(InMemoryServerTransport.forName(name))
             .historyStore(HistoryStore.inMemory())
             .limits(Limits.defaults())
             .build()
             .start();
         ChatClient alice = ChatClient.builder(InMemoryClientTransport.forName(name))
             .name("alice")
             .listener(new ChatListener() {
               @Override
               public void onMessage(ChatMessage message) {
                 printed.add(message.from().name() + ": " + message.text());
               }
             })
             .build()) {
      alice.connect().join();
      alice.join("general").join();
      alice.send("general", "hello").join();
      // wiring:end
      assertThat(server.rooms()).extracting(r -> r.room()).containsExactly("general");
    }
    assertThat(printed).containsExactly("alice: hello");
  }
}
