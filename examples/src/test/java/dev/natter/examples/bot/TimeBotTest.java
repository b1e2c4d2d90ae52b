package dev.natter.examples.bot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.PageRequest;
import dev.natter.chat.inmemory.testing.ChatTestKit;
import dev.natter.chat.testing.RecordingListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How a user tests chat logic: a server and clients in memory, no socket, no sleep. */
class TimeBotTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @RegisterExtension final ChatTestKit chat = ChatTestKit.create();

  private final Clock noon = Clock.fixed(Instant.parse("2026-12-03T12:34:00Z"), ZoneOffset.UTC);

  @Test
  void theBotAnswersTimeInTheRoomItWasAskedIn() {
    chat.startServer();
    ChatClient bot = startBot();
    RecordingListener alice = new RecordingListener();
    ChatClient aliceClient = chat.connect("alice", alice);
    aliceClient.join("general").join();

    aliceClient.send("general", "!time").join();

    assertThat(alice.takeMessage(TIMEOUT).text()).isEqualTo("!time");
    ChatMessage answer = alice.takeMessage(TIMEOUT);
    assertThat(answer.from().id()).isEqualTo("timebot");
    assertThat(answer.text()).isEqualTo("It is 12:34 (Z).");
    assertThat(bot.welcome().user().id()).isEqualTo("timebot");
  }

  @Test
  void theBotAnswersOnlyTheCommand() {
    chat.startServer();
    startBot();
    RecordingListener alice = new RecordingListener();
    ChatClient aliceClient = chat.connect("alice", alice);
    aliceClient.join("general").join();

    aliceClient.send("general", "what is the !time?").join();
    long asked = aliceClient.send("general", "!time").join().seq();
    ChatMessage answer;
    do {
      answer = alice.takeMessage(TIMEOUT);
    } while (!(answer.from().id().equals("timebot") && answer.seq() > asked));

    // The bot answers in order: had it answered the first line, that answer would be stored already.
    assertThat(aliceClient.history("general", PageRequest.latest(10)).join().messages())
        .extracting(ChatMessage::text)
        .containsExactly("what is the !time?", "!time", "It is 12:34 (Z).");
  }

  private ChatClient startBot() {
    TimeBot timeBot = new TimeBot(noon);
    ChatClient bot = chat.connect(ChatClient.builder(chat.clientTransport()).name("timebot").listener(timeBot));
    timeBot.attach(bot);
    bot.join("general").join();
    return bot;
  }
}
