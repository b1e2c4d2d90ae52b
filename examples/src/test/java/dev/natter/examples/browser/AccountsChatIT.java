package dev.natter.examples.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.examples.testing.ServerProcess;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat page against {@code --auth accounts}: a nickname alone is refused, people register and log in
 * from the start screen, and then chat.
 */
class AccountsChatIT {
  @RegisterExtension static final Browsers BROWSERS = new Browsers();

  @TempDir static Path workDir;
  private static ServerProcess server;
  private static URI page;

  @BeforeAll
  static void startServer() throws Exception {
    server = ServerProcess.start(workDir, "--port", "0", "--auth", "accounts");
    page = server.pageUri();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void registerLogInAndChat() throws Exception {
    ChatPage amy = BROWSERS.open("amy").open(page);
    // A nickname alone is not enough here: the page says so and offers only the account buttons.
    amy.submitGuest("Amy");
    assertThat(amy.awaitStartError()).contains("needs an account");
    assertThat(amy.guestJoinShown()).isFalse();
    amy.submitRegister("Amy", "amy's long password");
    amy.awaitInChat();
    assertThat(amy.currentConversation()).isEqualTo("general");
    amy.awaitMembers("amy");

    ChatPage ben = BROWSERS.open("ben").open(page);
    ben.submitRegister("AMY", "someone else's password");
    assertThat(ben.awaitStartError()).contains("taken");
    ben.submitRegister("Ben", "ben's long password");
    ben.awaitInChat();
    // Ben leaves and logs in again: a wrong password first.
    ben.leaveChat();
    ben.submitLogin("ben", "not ben's password");
    assertThat(ben.awaitStartError()).isEqualTo("Wrong name or password.");
    ben.submitLogin("BEN", "ben's long password");
    ben.awaitInChat();
    assertThat(ben.script("return document.getElementById('me-name').textContent;")).isEqualTo("Ben");
    ben.awaitMembers("amy", "ben");
    amy.awaitMembers("amy", "ben");

    amy.send("Hello Ben, welcome back.");
    ben.awaitMessage("Hello Ben, welcome back.");
    ben.send("Hi Amy! Logged in with my password.");
    List<String> texts = List.of("Hello Ben, welcome back.", "Hi Amy! Logged in with my password.");
    assertThat(amy.awaitTexts(texts)).extracting(ChatPage.Message::from).containsExactly("Amy", "Ben");
    assertThat(ben.awaitTexts(texts)).extracting(ChatPage.Message::own).containsExactly(false, true);

    // The login outlives a reload of the page (the token is kept for the tab), with the history.
    ben.reload().awaitInChat();
    ben.awaitTexts(texts);
    amy.send("Still there?");
    ben.awaitTexts(List.of("Hello Ben, welcome back.", "Hi Amy! Logged in with my password.", "Still there?"));

    String stderr = server.stderrSoFar();
    assertThat(stderr).doesNotContain("amy's long password", "ben's long password");
    assertThat(amy.uncaughtErrors()).isEmpty();
    assertThat(ben.uncaughtErrors()).isEmpty();
  }
}
