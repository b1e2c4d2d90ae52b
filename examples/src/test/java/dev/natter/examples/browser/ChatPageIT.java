package dev.natter.examples.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.examples.testing.ServerProcess;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The chat page in real browsers against one server process for the class: a reload keeps the
 * history, user text never becomes markup, and a phone-sized window does not scroll sideways. Each test
 * has its own users; only the reload test writes in {@code #general}, the others in rooms of their own.
 */
class ChatPageIT {
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
  void aReloadKeepsTheHistoryWithNoMessageLostOrDoubled() {
    ChatPage rita = BROWSERS.open("rita").open(page).joinAs("Rita");
    ChatPage rob = BROWSERS.open("rob").open(page).joinAs("Rob");
    rita.awaitMembers("rita", "rob");

    List<String> general = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      ChatPage from = i % 2 == 1 ? rita : rob;
      ChatPage to = from == rita ? rob : rita;
      String text = from.label() + " before the reload " + i;
      from.send(text);
      to.awaitMessage(text);
      general.add(text);
    }
    rita.createRoom("side");
    rita.send("in the side room");
    rita.awaitTexts(List.of("in the side room"));
    rita.openRoom("general");
    rita.awaitTexts(general);
    rob.awaitTexts(general);

    rita.reload().awaitInChat();

    assertThat(rita.currentConversation()).as("the conversation shown before the reload").isEqualTo("general");
    List<ChatPage.Message> afterReload = rita.awaitTexts(general);
    assertThat(afterReload).extracting(ChatPage.Message::own).containsExactly(true, false, true);
    rita.awaitMembers("rita", "rob");
    rob.awaitMembers("rita", "rob");
    rita.openRoom("side");
    rita.awaitTexts(List.of("in the side room"));
    rita.openRoom("general");

    // The live path still works, once each way; then Rob reloads while Rita writes.
    rob.send("rob after rita's reload");
    general.add("rob after rita's reload");
    rita.awaitTexts(general);
    rob.reload();
    rita.send("rita while rob reloads");
    general.add("rita while rob reloads");
    rob.awaitInChat();
    rob.awaitTexts(general);
    rita.awaitTexts(general);
    rob.send("rob after his own reload");
    general.add("rob after his own reload");
    rita.awaitTexts(general);
    rob.awaitTexts(general);

    assertThat(rob.notices()).as("a reload resumes the session: the others see no one leave")
        .noneMatch(n -> n.contains("left"));
    assertThat(rita.notices()).noneMatch(n -> n.contains("left"));
    assertThat(rita.uncaughtErrors()).isEmpty();
    assertThat(rob.uncaughtErrors()).isEmpty();
  }

  @Test
  void unreadCountsSurviveAReload() {
    ChatPage ursula = BROWSERS.open("ursula").open(page).joinAs("Ursula");
    ursula.createRoom("quiet"); // empty when she looks at it
    ursula.openRoom("general");
    ChatPage victor = BROWSERS.open("victor").open(page).joinAs("Victor");
    victor.createRoom("quiet");
    victor.send("quiet one");
    victor.send("quiet two");
    victor.awaitTexts(List.of("quiet one", "quiet two"));
    victor.clickMember("ursula");
    victor.send("a word in private");
    victor.awaitTexts(List.of("a word in private"));
    ursula.driverWait("2 unread in #quiet and 1 from Victor",
        () -> ursula.roomUnread("quiet") == 2 && ursula.directUnread("victor") == 1,
        () -> "#quiet " + ursula.roomUnread("quiet") + ", Victor " + ursula.directUnread("victor"));

    ursula.reload().awaitInChat();

    ursula.driverWait("still 2 unread in #quiet and 1 from Victor after a reload",
        () -> ursula.roomUnread("quiet") == 2 && ursula.directUnread("victor") == 1,
        () -> "#quiet " + ursula.roomUnread("quiet") + ", Victor " + ursula.directUnread("victor"));
    assertThat(ursula.driver().getTitle()).isEqualTo("(3) Natter");
    ursula.openRoom("quiet");
    ursula.awaitTexts(List.of("quiet one", "quiet two"));
    assertThat(ursula.roomUnread("quiet")).isZero();
    assertThat(ursula.uncaughtErrors()).isEmpty();
  }

  @Test
  void markupInAMessageShowsAsTextAndRunsNothing() {
    ChatPage xena = BROWSERS.open("xena").open(page).joinAs("Xena");
    xena.createRoom("xss");
    ChatPage yuri = BROWSERS.open("yuri").open(page).joinAs("Yuri");
    yuri.createRoom("xss");
    xena.awaitMembers("xena", "yuri");

    List<String> payloads = List.of(
        "<img src=x onerror=alert(1)>",
        "<script>alert(2)</script>",
        "<img src=x onerror=\"window.__natterXss='img'\">",
        "<svg/onload=\"window.__natterXss='svg'\"><circle r=9></circle></svg>",
        "\"><script>window.__natterXss='script'</script>",
        "<iframe srcdoc=\"<script>parent.__natterXss='iframe'</script>\"></iframe>",
        "<a href=\"javascript:window.__natterXss='link'\">click</a> <b>bold</b> &lt;b&gt; &amp;");
    for (int i = 0; i < payloads.size(); i++) {
      xena.send(payloads.get(i));
      yuri.awaitMessageCount(i + 1); // by count: a page that parsed the text as HTML would show other text
    }
    xena.awaitMessageCount(payloads.size());
    assertThat(yuri.texts()).as("the texts as typed").isEqualTo(payloads);
    assertThat(xena.texts()).as("the texts as typed").isEqualTo(payloads);
    // and one as a direct message
    yuri.clickMember("xena");
    String direct = "<img src=x onerror=\"window.__natterXss='direct'\">";
    yuri.send(direct);
    yuri.awaitMessageCount(1);
    assertThat(yuri.texts()).isEqualTo(List.of(direct));
    xena.driverWait("the direct message from Yuri", () -> xena.directUnread("yuri") == 1);
    assertNothingRan(xena);
    assertNothingRan(yuri);

    // The history path renders the same way: Xena reloads; she reads the direct message after.
    xena.reload().awaitInChat();
    assertThat(xena.currentConversation()).isEqualTo("xss");
    xena.awaitMessageCount(payloads.size());
    assertThat(xena.texts()).isEqualTo(payloads);
    assertNothingRan(xena);
    xena.openDirect("yuri");
    xena.awaitMessageCount(1);
    assertThat(xena.texts()).isEqualTo(List.of(direct));
    assertNothingRan(xena);
    xena.openRoom("xss");
    xena.awaitMessageCount(payloads.size());
    assertThat(xena.uncaughtErrors()).isEmpty();
    assertThat(yuri.uncaughtErrors()).isEmpty();
  }

  private static void assertNothingRan(ChatPage page) {
    for (String tag : List.of("img", "script", "svg", "iframe", "a", "b", "object", "embed")) {
      assertThat(page.elementsInMessages(tag)).as("%s: <%s> elements in the message list", page.label(), tag)
          .isZero();
    }
    assertThat(page.script("return document.querySelectorAll('img, svg, iframe, object, embed').length;"))
        .as("%s: such elements anywhere in the page", page.label()).isEqualTo(0L);
    assertThat(page.script("return document.scripts.length;")).as("%s: only app.js", page.label()).isEqualTo(1L);
    assertThat(page.script("return window.__natterXss === undefined ? null : String(window.__natterXss);"))
        .as("%s: a payload's script set the flag", page.label()).isNull();
    try {
      page.driver().switchTo().alert();
      throw new AssertionError(page.label() + ": an alert is open");
    } catch (NoAlertPresentException expected) {
      // nothing ran
    }
    assertThat(page.alertOpen()).isFalse();
  }

  @Test
  void aPhoneSizedWindowHasNoHorizontalScrollbar() {
    ChatPage nora = BROWSERS.open("nora");
    nora.resizeViewport(new Dimension(375, 812));
    nora.open(page);
    assertThat(nora.script("return window.innerWidth;")).isEqualTo(375L);
    assertFits(nora, "the start screen");

    nora.joinAs("Nora");
    assertFits(nora, "#general");
    // The side panels are toggles on a narrow screen; the room form is in the left one.
    nora.driver().findElement(By.id("toggle-nav")).click();
    WebElement roomInput = nora.driver().findElement(By.cssSelector("[data-testid=room-input]"));
    nora.driverWait("the room panel open", roomInput::isDisplayed);
    assertFits(nora, "the room panel");
    nora.createRoom("narrow");
    String longWord = "x".repeat(300);
    String longUrl = "https://example.com/" + "a-very-long-path-segment/".repeat(12) + "?q=" + "z".repeat(80);
    nora.send(longWord);
    nora.send(longUrl);
    nora.send("A normal sentence that wraps over a few lines on a phone, as chat messages do all day long.");
    nora.awaitTexts(List.of(longWord, longUrl,
        "A normal sentence that wraps over a few lines on a phone, as chat messages do all day long."));
    assertFits(nora, "long messages");
    WebElement send = nora.driver().findElement(By.cssSelector("[data-testid=send-button]"));
    assertThat(send.isDisplayed()).isTrue();
    assertThat(send.getRect().getX() + send.getRect().getWidth()).as("the Send button's right edge").isLessThanOrEqualTo(375);
    nora.driver().findElement(By.id("toggle-members")).click();
    nora.driverWait("the member panel open", () -> nora.driver().findElement(
        By.cssSelector("#member-list [data-testid=member]")).isDisplayed());
    assertFits(nora, "the member panel");
    assertThat(nora.uncaughtErrors()).isEmpty();
  }

  private static void assertFits(ChatPage page, String where) {
    List<Long> widths = page.widths();
    assertThat(widths.get(1)).as("%s: document.documentElement.scrollWidth <= clientWidth (%s) on %s",
        page.label(), widths.get(0), where).isLessThanOrEqualTo(widths.get(0));
    assertThat(page.script("return document.body.scrollWidth <= document.documentElement.clientWidth;"))
        .as("%s: the body fits on %s", page.label(), where).isEqualTo(true);
  }
}
