package dev.natter.examples.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.examples.testing.ServerProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server goes away in the middle of a conversation and a new one comes up on the same port with the
 * same data directory, as after a crash or a deployment. The pages show the banner while it is down,
 * reconnect to the same URL by themselves, deliver what was typed meanwhile once, and show every
 * message exactly once.
 */
class ServerRestartIT {
  /** The page's backoff grows to a few seconds while the server is down; plus a JVM start. */
  private static final Duration RECONNECT = Duration.ofSeconds(45);

  @RegisterExtension static final Browsers BROWSERS = new Browsers();

  @TempDir Path workDir;
  private final List<ServerProcess> servers = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(ServerProcess::close);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"SIGKILL", "SIGTERM"})
  void aRestartMidConversationLosesAndDoublesNothing(String signal) throws Exception {
    ServerProcess first = start("--port", "0");
    int port = first.port();
    URI page = first.pageUri();
    ChatPage alice = BROWSERS.open("alice").open(page).joinAs("Alice");
    ChatPage bob = BROWSERS.open("bob").open(page).joinAs("Bob");
    alice.awaitMembers("alice", "bob");

    List<String> before = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      ChatPage from = i % 2 == 1 ? alice : bob;
      ChatPage to = from == alice ? bob : alice;
      String text = from.label() + " before the restart " + i;
      from.send(text);
      to.awaitMessage(text);
      before.add(text);
    }
    alice.awaitTexts(before);
    bob.awaitTexts(before);

    if (signal.equals("SIGKILL")) {
      first.sigkill();
    } else {
      first.sigterm();
    }
    assertThat(first.process().waitFor(ServerProcess.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
        .as("the first server ended").isTrue();
    alice.awaitDisconnected();
    bob.awaitDisconnected();
    assertThat(alice.bannerText()).contains("Connection lost");

    // Typed while the server is down: the page keeps them as pending and sends them when it is back.
    alice.send("alice while the server is down");
    bob.send("bob while the server is down");
    assertThat(alice.awaitMessage("alice while the server is down").state()).isEqualTo("pending");
    assertThat(bob.awaitMessage("bob while the server is down").state()).isEqualTo("pending");
    assertThat(alice.bannerShown()).isTrue();

    ServerProcess second = startOnPort(port);
    assertThat(second.pageUri()).as("the same address").isEqualTo(page);
    alice.awaitReconnected(RECONNECT);
    bob.awaitReconnected(RECONNECT);

    List<String> alicesView = awaitAll(alice, before, "alice while the server is down", "bob while the server is down");
    List<String> bobsView = awaitAll(bob, before, "alice while the server is down", "bob while the server is down");
    assertThat(bobsView).as("both show the server's order").isEqualTo(alicesView);

    // And the conversation goes on.
    List<String> all = new ArrayList<>(alicesView);
    bob.send("bob after the restart");
    all.add("bob after the restart");
    alice.awaitTexts(all);
    bob.awaitTexts(all);
    alice.awaitMembers("alice", "bob");
    bob.awaitMembers("alice", "bob");
    assertThat(Files.isRegularFile(workDir.resolve("natter-data").resolve("natter.db"))).isTrue();
    assertThat(alice.uncaughtErrors()).isEmpty();
    assertThat(bob.uncaughtErrors()).isEmpty();
  }

  /**
   * Waits until the page shows {@code before}, then the messages typed while down in either order, each
   * once and confirmed; returns the texts shown.
   */
  private static List<String> awaitAll(ChatPage page, List<String> before, String... typedWhileDown) {
    List<String> expectedTail = List.of(typedWhileDown);
    page.driverWait("the messages from before the restart, then those typed while down, each once", () -> {
      List<ChatPage.Message> shown = page.messages();
      List<String> texts = shown.stream().map(ChatPage.Message::text).toList();
      return texts.size() == before.size() + expectedTail.size()
          && texts.subList(0, before.size()).equals(before)
          && new HashSet<>(texts.subList(before.size(), texts.size())).equals(new HashSet<>(expectedTail))
          && shown.stream().allMatch(m -> "sent".equals(m.state()) && m.mid() != null)
          && shown.stream().map(ChatPage.Message::mid).distinct().count() == shown.size();
    }, () -> "shown: " + page.messages());
    return page.texts();
  }

  private ServerProcess start(String... args) throws Exception {
    ServerProcess server = ServerProcess.start(workDir, args);
    servers.add(server);
    return server;
  }

  /** Starts a server on a port the last one just left; tries again while the port is still taken. */
  private ServerProcess startOnPort(int port) throws Exception {
    long deadline = System.nanoTime() + ServerProcess.TIMEOUT.toNanos();
    while (true) {
      ServerProcess server = start("--port", String.valueOf(port));
      try {
        server.awaitListening();
        return server;
      } catch (AssertionError e) {
        if (server.process().isAlive() || System.nanoTime() > deadline) {
          throw e;
        }
        // exited, most likely with "port in use": the next JVM start is the pause before trying again
      }
    }
  }
}
