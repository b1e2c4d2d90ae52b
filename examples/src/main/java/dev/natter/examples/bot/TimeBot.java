package dev.natter.examples.bot;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatMessage;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * A bot that answers {@code !time} in the rooms it joined with the time of day. Plug it in as a
 * client's listener, then connect the client and join rooms:
 *
 * <pre>{@code
 * TimeBot bot = new TimeBot(Clock.systemDefaultZone());
 * ChatClient client = ChatClient.builder(transport).name("timebot").listener(bot).build();
 * bot.attach(client);
 * client.connect().join();
 * client.join("general").join();
 * }</pre>
 */
public final class TimeBot implements ChatListener {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

  private final Clock clock;
  private volatile ChatClient client;

  /** A bot telling the time of {@code clock}, in the clock's zone. */
  public TimeBot(Clock clock) {
    this.clock = clock;
  }

  /** The client the bot answers through (the one it listens to). */
  public void attach(ChatClient client) {
    this.client = client;
  }

  @Override
  public void onMessage(ChatMessage message) {
    ChatClient self = client;
    // Never answer itself, and only the exact command: a bot that reacts to its own output loops.
    if (self == null || message.isDirect() || !message.text().strip().equals("!time")
        || message.from().id().equals(self.welcome().user().id())) {
      return;
    }
    ZoneId zone = clock.getZone();
    self.send(message.room(), "It is " + TIME.format(clock.instant().atZone(zone)) + " (" + zone + ").");
  }
}
