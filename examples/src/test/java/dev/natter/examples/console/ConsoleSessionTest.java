package dev.natter.examples.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatClient;
import dev.natter.chat.inmemory.testing.ChatTestKit;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConsoleSessionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @RegisterExtension final ChatTestKit chat = ChatTestKit.create();

  private final BlockingQueue<String> printed = new LinkedBlockingQueue<>();

  @Test
  void theCommandsDoWhatTheySay() throws Exception {
    chat.startServer();
    ConsoleSession session = new ConsoleSession(lines());
    ChatClient alice = chat.connect(ChatClient.builder(chat.clientTransport()).name("alice").listener(session));
    session.attach(alice);
    ChatClient bob = chat.connect("bob");

    assertThat(session.handle("hello?")).isTrue();
    assertThat(next()).startsWith("! join a room first");
    session.handle("/join general");
    assertThat(next()).isEqualTo("* you are in general (/history shows what was said)");
    bob.join("general").join();
    assertThat(next()).isEqualTo("* bob joined general");

    session.handle("hi bob");
    assertThat(next()).endsWith(" general] alice: hi bob");
    bob.send("general", "hi alice").join();
    assertThat(next()).endsWith(" general] bob: hi alice");
    session.handle("/who");
    assertThat(next()).isEqualTo("* in general: alice, bob");
    session.handle("/rooms");
    assertThat(next()).isEqualTo("* general (2)");
    session.handle("/msg bob psst");
    assertThat(next()).endsWith(" dm alice -> bob] alice: psst");
    session.handle("/history");
    assertThat(next()).endsWith("alice: hi bob");
    assertThat(next()).endsWith("bob: hi alice");
    session.handle("/msg nobody hi");
    assertThat(next()).isEqualTo("! not_found: " + "no such user: nobody");
    session.handle("/teleport");
    assertThat(next()).isEqualTo("! unknown command /teleport; /help lists them");
    session.handle("/leave");
    assertThat(next()).isEqualTo("* you left general");
    assertThat(session.room()).isNull();
    assertThat(session.handle("/quit")).isFalse();
  }

  @Test
  void badArgumentsExitWithStatusTwo() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = ConsoleClientMain.run(new String[] {"--url"}, null, new ByteArrayInputStream(new byte[0]),
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).isEqualTo(ConsoleClientMain.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--url needs a value");
    assertThat(ConsoleClientMain.run(new String[0], null, new ByteArrayInputStream(new byte[0]),
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())))
        .isEqualTo(ConsoleClientMain.EXIT_USAGE);
  }

  private PrintStream lines() {
    return new PrintStream(new java.io.OutputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public synchronized void write(int b) {
        if (b == '\n') {
          printed.add(line.toString(StandardCharsets.UTF_8).stripTrailing());
          line.reset();
        } else {
          line.write(b);
        }
      }
    }, true, StandardCharsets.UTF_8);
  }

  private String next() throws InterruptedException {
    String line = printed.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(line).as("a printed line within %s", TIMEOUT).isNotNull();
    return line;
  }
}
