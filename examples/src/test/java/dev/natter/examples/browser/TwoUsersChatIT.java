package dev.natter.examples.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.examples.testing.ServerProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two people in two browsers: they pick names, land in {@code #general}, see each other arrive, chat,
 * and write a direct message by clicking a member. Also takes the README's screenshot.
 *
 * <p>The screenshot of the lively chat is saved as {@code target/browser-screenshots/readme-chat.png};
 * with {@code -Dnatter.docs.screenshot=../docs/screenshot.png} (a path relative to examples/) it is
 * copied there too, which is how docs/screenshot.png is made.
 */
class TwoUsersChatIT {
  @RegisterExtension static final Browsers BROWSERS = new Browsers();

  @TempDir static Path workDir;
  private static ServerProcess server;
  private static URI page;

  @BeforeAll
  static void startServer() throws Exception {
    server = ServerProcess.start(workDir, "--port", "0");
    page = server.pageUri();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void twoBrowsersChatSeeEachOtherAndWriteDirectly() throws Exception {
    ChatPage alice = BROWSERS.open("alice").open(page).joinAs("Alice");
    assertThat(alice.currentConversation()).as("a newcomer lands in #general").isEqualTo("general");
    alice.awaitMembers("alice");
    // Alice also opens a second room, then comes back.
    alice.createRoom("random");
    alice.openRoom("general");

    ChatPage bob = BROWSERS.open("bob").open(page).joinAs("Bob");
    assertThat(bob.currentConversation()).isEqualTo("general");
    bob.awaitMembers("alice", "bob");
    alice.awaitMembers("alice", "bob").awaitNotice("Bob joined");

    // Alice and Bob take turns; each waits for the other's line, as people do.
    List<String> general = List.of(
        "Hi Bob! Welcome to Natter.",
        "Hi Alice. Two browsers, one room: it just works.",
        "Every message has its place: history survives a reload.",
        "And if the server restarts?",
        "The page shows a banner, reconnects and catches up. Nothing lost, nothing twice.",
        "Nice. Shift+Enter\nstarts a new line.",
        "Click my name in the member list for a direct message.");
    for (int i = 0; i < general.size(); i++) {
      ChatPage from = i % 2 == 0 ? alice : bob;
      ChatPage to = from == alice ? bob : alice;
      String text = general.get(i);
      if (text.contains("\n")) {
        from.sendLines(text.split("\n"));
      } else {
        from.send(text);
      }
      to.awaitMessage(text);
    }

    List<ChatPage.Message> seenByAlice = alice.awaitTexts(general);
    List<ChatPage.Message> seenByBob = bob.awaitTexts(general);
    assertThat(seenByAlice).extracting(ChatPage.Message::own)
        .containsExactly(true, false, true, false, true, false, true);
    assertThat(seenByBob).extracting(ChatPage.Message::own)
        .containsExactly(false, true, false, true, false, true, false);
    assertThat(seenByBob).extracting(ChatPage.Message::from)
        .containsExactly("Alice", "Bob", "Alice", "Bob", "Alice", "Bob", "Alice");
    assertThat(seenByAlice).extracting(ChatPage.Message::mid)
        .as("both see the same messages").isEqualTo(seenByBob.stream().map(ChatPage.Message::mid).toList());

    // Bob joins #random, where Alice is not looking: an unread count for her.
    bob.createRoom("random");
    bob.awaitMembers("alice", "bob");
    bob.send("Anyone in #random?");
    bob.awaitTexts(List.of("Anyone in #random?"));

    // A direct message by clicking a member.
    bob.clickMember("alice");
    assertThat(bob.currentConversation()).isEqualTo("dm:alice:bob");
    bob.awaitMembers("alice", "bob");
    bob.send("psst: this one is just for you.");
    bob.awaitTexts(List.of("psst: this one is just for you."));

    alice.driverWait("a direct conversation with Bob, 1 unread", () -> alice.directUnread("bob") == 1);
    alice.driverWait("#random with 1 unread", () -> alice.roomUnread("random") == 1);
    assertThat(alice.directBadge("bob")).isEqualTo(", 1 unread");
    assertThat(alice.currentConversation()).isEqualTo("general");
    assertThat(alice.texts()).as("a direct message stays out of #general").isEqualTo(general);
    assertThat(alice.driver().getTitle()).isEqualTo("(2) Natter");
    readmeScreenshot(alice);

    alice.openDirect("bob");
    alice.awaitTexts(List.of("psst: this one is just for you."));
    assertThat(alice.directUnread("bob")).isZero();
    alice.send("Got it, thanks!");
    bob.awaitTexts(List.of("psst: this one is just for you.", "Got it, thanks!"));
    assertThat(bob.messages()).extracting(ChatPage.Message::own).containsExactly(true, false);

    // Bob leaves: Alice sees it at once (a deliberate leave has no grace period).
    bob.leaveChat();
    alice.openRoom("general");
    alice.awaitMembers("alice").awaitNotice("Bob left");
    assertThat(alice.texts()).isEqualTo(general);

    assertThat(alice.uncaughtErrors()).isEmpty();
    assertThat(bob.uncaughtErrors()).isEmpty();
  }

  /** The README's picture: Alice's window at 1280x800, in a busy #general with unread elsewhere. */
  private static void readmeScreenshot(ChatPage alice) throws Exception {
    Path shot = Browsers.screenshotDir().resolve("readme-chat.png");
    alice.script("document.activeElement && document.activeElement.blur();");
    alice.saveScreenshot(shot);
    String docs = System.getProperty("natter.docs.screenshot", "");
    if (!docs.isBlank()) {
      Files.copy(shot, Path.of(docs).toAbsolutePath(), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
