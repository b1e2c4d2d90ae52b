package dev.natter.examples.browser;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page in one browser, as one user sees it, through the page's {@code data-testid} hooks (see
 * the comment at the top of web/index.html). Every wait is a {@link WebDriverWait} on a condition; a
 * timeout says what the page showed instead.
 */
public final class ChatPage {
  /**
   * A message as shown in the list.
   *
   * @param from the sender's name as shown
   * @param text the text as shown (its {@code textContent})
   * @param own whether it is marked as one's own ({@code data-own})
   * @param state {@code pending} until the server confirmed it, then {@code sent}
   * @param mid the message id ({@code data-mid}), null while pending
   */
  public record Message(String from, String text, boolean own, String state, String mid) {}

  private static final String READ_MESSAGES = """
      return [...document.querySelectorAll('#messages [data-testid="message"]')].map((m) => ({
        from: (m.querySelector('.sender') || {}).textContent || '',
        text: (m.querySelector('.text') || {}).textContent || '',
        own: m.dataset.own === 'true',
        state: m.dataset.state || '',
        mid: m.dataset.mid || null,
      }));""";

  private final ChromeDriver driver;
  private final String label;
  private final Path profile;
  private final List<String> console = new ArrayList<>();

  ChatPage(ChromeDriver driver, String label, Path profile) {
    this.driver = driver;
    this.label = label;
    this.profile = profile;
  }

  public String label() {
    return label;
  }

  Path profile() {
    return profile;
  }

  /** The browser, for what this class does not cover. */
  public ChromeDriver driver() {
    return driver;
  }

  // ---- the start screen ----

  /** Loads the page and waits for the start screen, or for the chat when the session resumes. */
  public ChatPage open(URI page) {
    driver.get(page.toString());
    await("the page to load", d -> script("return document.readyState === 'complete'"));
    return this;
  }

  /** Picks a nickname ("Start chatting") and waits until the chat shows {@code #general}. */
  public ChatPage joinAs(String name) {
    type("name-input", name);
    byTestId("join-button").click();
    return awaitInChat();
  }

  /** Fills name and password and presses "Register"; does not wait. */
  public ChatPage submitRegister(String name, String password) {
    type("name-input", name);
    type("password-input", password);
    byTestId("register-button").click();
    return this;
  }

  /** Fills name and password and presses "Log in"; does not wait. */
  public ChatPage submitLogin(String name, String password) {
    type("name-input", name);
    type("password-input", password);
    byTestId("login-button").click();
    return this;
  }

  /** Fills the name and presses "Start chatting"; does not wait. */
  public ChatPage submitGuest(String name) {
    type("name-input", name);
    byTestId("join-button").click();
    return this;
  }

  /** Waits for a non-empty error on the start screen and returns it. */
  public String awaitStartError() {
    return await("an error on the start screen", d -> {
      String text = byTestId("start-error").getText();
      return text.isBlank() ? null : text;
    });
  }

  /** Whether the "Start chatting" button (nicknames without an account) is shown. */
  public boolean guestJoinShown() {
    return byTestId("join-button").isDisplayed();
  }

  /** Waits until the chat screen shows, connected, in a conversation with the composer ready. */
  public ChatPage awaitInChat() {
    await("the chat screen, connected, in a conversation", d -> Boolean.TRUE.equals(script(
        "const chat = document.getElementById('chat');"
            + "const input = document.querySelector('[data-testid=message-input]');"
            + "return !chat.hidden && document.body.dataset.connection === 'connected'"
            + " && !!document.querySelector('#room-list [aria-current=page], #direct-list [aria-current=page]')"
            + " && !input.disabled;")));
    return this;
  }

  /** Presses "Leave chat" (the session ends at once) and waits for the start screen. */
  public ChatPage leaveChat() {
    byTestId("logout").click();
    await("the start screen", d -> byTestId("name-input").isDisplayed());
    return this;
  }

  // ---- conversations ----

  /** The conversation shown ({@code general}, {@code dm:alice:bob}); null when none. */
  public String currentConversation() {
    return (String) script("const c = document.querySelector("
        + "'#room-list [aria-current=page], #direct-list [aria-current=page]'); return c ? c.dataset.room : null;");
  }

  /** Joins or creates a room through the room form and waits until it is shown. */
  public ChatPage createRoom(String room) {
    type("room-input", room);
    byTestId("room-create").click();
    await("#" + room + " shown", d -> room.equals(currentConversation()));
    return awaitInChat();
  }

  /** Switches to a joined room by its entry in the room list. */
  public ChatPage openRoom(String room) {
    click("#" + room + " in the room list",
        By.cssSelector("[data-testid=room][data-joined=true][data-room='" + room + "']"));
    await("#" + room + " shown", d -> room.equals(currentConversation()));
    return this;
  }

  // The page redraws its lists whenever a count changes: an entry found a moment before may be replaced
  // by the time it is clicked. Find and click again until a click lands on the entry shown.
  private void click(String what, By entry) {
    await(what + " clicked", d -> {
      try {
        d.findElement(entry).click();
        return true;
      } catch (StaleElementReferenceException redrawn) {
        return false;
      }
    });
  }

  /** The user ids in the member list of the current conversation, as listed. */
  @SuppressWarnings("unchecked")
  public List<String> members() {
    return (List<String>) script("return [...document.querySelectorAll('#member-list [data-testid=member]')]"
        + ".map((m) => m.dataset.userId);");
  }

  /** Waits until the member list is exactly these user ids, in any order. */
  public ChatPage awaitMembers(String... userIds) {
    List<String> expected = List.of(userIds).stream().sorted().toList();
    await("the members " + expected + " (shown: " + members() + ")",
        d -> members().stream().sorted().toList().equals(expected));
    return this;
  }

  /** Clicks a member in the member list: opens the direct conversation with them. */
  public ChatPage clickMember(String userId) {
    await("member " + userId + " listed", d -> members().contains(userId));
    click("member " + userId, By.cssSelector("#member-list [data-testid=member][data-user-id='" + userId + "']"));
    await("the direct conversation with " + userId,
        d -> Objects.toString(currentConversation(), "").startsWith("dm:"));
    return awaitInChat();
  }

  /** The unread count of the direct conversation with this user, or -1 when it is not listed. */
  public int directUnread(String userId) {
    Object unread = script("const d = document.querySelector("
        + "'[data-testid=direct][data-user-id=\"' + arguments[0] + '\"]'); return d ? d.dataset.unread : null;", userId);
    return unread == null ? -1 : Integer.parseInt((String) unread);
  }

  /** The unread count of a joined room, or -1 when it is not listed. */
  public int roomUnread(String room) {
    Object unread = script("const r = document.querySelector("
        + "'[data-testid=room][data-joined=true][data-room=\"' + arguments[0] + '\"]'); return r ? r.dataset.unread : null;",
        room);
    return unread == null ? -1 : Integer.parseInt((String) unread);
  }

  /**
   * The text of the unread badge of the direct conversation with this user, as a screen reader reads it
   * ({@code ", 1 unread"}; the comma and the word are visually hidden), or "" when there is none.
   */
  public String directBadge(String userId) {
    return (String) script("const b = document.querySelector("
        + "'[data-testid=direct][data-user-id=\"' + arguments[0] + '\"] .badge'); return b ? b.textContent : '';", userId);
  }

  /** Opens the direct conversation with this user from the direct-message list. */
  public ChatPage openDirect(String userId) {
    click("the direct conversation with " + userId + " in the list",
        By.cssSelector("[data-testid=direct][data-user-id='" + userId + "']"));
    await("the direct conversation with " + userId,
        d -> Objects.toString(currentConversation(), "").startsWith("dm:"));
    return this;
  }

  /** The notices (joined, left) of the current conversation, in order. */
  @SuppressWarnings("unchecked")
  public List<String> notices() {
    return (List<String>) script("return [...document.querySelectorAll('#messages [data-testid=notice] .notice-text')]"
        + ".map((n) => n.textContent);");
  }

  /** Waits for a notice holding this text. */
  public ChatPage awaitNotice(String text) {
    await("a notice '" + text + "' (shown: " + notices() + ")", d -> notices().stream().anyMatch(n -> n.contains(text)));
    return this;
  }

  // ---- messages ----

  /** Types a message and sends it with Enter. Shift+Enter inside {@code text}: use {@link #sendLines}. */
  public ChatPage send(String text) {
    WebElement input = byTestId("message-input");
    input.sendKeys(text);
    input.sendKeys(Keys.ENTER);
    return this;
  }

  /** Types several lines (Shift+Enter between them) and sends them with the Send button. */
  public ChatPage sendLines(String... lines) {
    WebElement input = byTestId("message-input");
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        input.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
      }
      input.sendKeys(lines[i]);
    }
    byTestId("send-button").click();
    return this;
  }

  /** The messages of the current conversation, in the order shown. */
  @SuppressWarnings("unchecked")
  public List<Message> messages() {
    List<Map<String, Object>> raw = (List<Map<String, Object>>) script(READ_MESSAGES);
    return raw.stream().map(m -> new Message((String) m.get("from"), (String) m.get("text"),
        Boolean.TRUE.equals(m.get("own")), (String) m.get("state"), (String) m.get("mid"))).toList();
  }

  /** The texts of the messages shown. */
  public List<String> texts() {
    return messages().stream().map(Message::text).toList();
  }

  /**
   * Waits until the current conversation shows exactly these texts, in this order, each confirmed by
   * the server (none pending), each with its own message id.
   */
  public List<Message> awaitTexts(List<String> expected) {
    return awaitTexts(expected, Browsers.defaultWait());
  }

  /** {@link #awaitTexts(List)} with another timeout. */
  public List<Message> awaitTexts(List<String> expected, Duration timeout) {
    return await("exactly the messages " + expected + ", all sent", timeout, d -> {
      List<Message> shown = messages();
      boolean done = shown.stream().map(Message::text).toList().equals(expected)
          && shown.stream().allMatch(m -> "sent".equals(m.state()) && m.mid() != null)
          && shown.stream().map(Message::mid).distinct().count() == shown.size();
      return done ? shown : null;
    }, () -> "shown: " + messages());
  }

  /** Waits until exactly {@code count} messages are shown, all confirmed by the server. */
  public List<Message> awaitMessageCount(int count) {
    return await(count + " messages, all sent", Browsers.defaultWait(), d -> {
      List<Message> shown = messages();
      return shown.size() == count && shown.stream().allMatch(m -> "sent".equals(m.state())) ? shown : null;
    }, () -> "shown: " + messages());
  }

  /** Waits until a message with this text is shown (sent or not) and returns it. */
  public Message awaitMessage(String text) {
    return await("a message '" + text + "'", Browsers.defaultWait(),
        d -> messages().stream().filter(m -> m.text().equals(text)).findFirst().orElse(null),
        () -> "shown: " + texts());
  }

  /** How many elements of these kinds the message list holds (for markup that must not be there). */
  public long elementsInMessages(String cssSelector) {
    return ((Number) script("return document.querySelectorAll('#messages ' + arguments[0]).length;", cssSelector))
        .longValue();
  }

  // ---- the connection ----

  /** {@code body[data-connection]}: idle, connecting, connected, reconnecting, closed. */
  public String connectionState() {
    return (String) script("return document.body.dataset.connection || '';");
  }

  /** Whether the connection banner is shown. */
  public boolean bannerShown() {
    return byTestId("connection-banner").isDisplayed();
  }

  /** The banner's text. */
  public String bannerText() {
    return byTestId("connection-banner").getText();
  }

  /** Waits until the banner shows, the page reconnecting. */
  public ChatPage awaitDisconnected() {
    await("the connection banner, reconnecting (state " + connectionState() + ")",
        d -> bannerShown() && "reconnecting".equals(connectionState()));
    return this;
  }

  /** Waits until the page is connected again and the banner is hidden. */
  public ChatPage awaitReconnected(Duration timeout) {
    await("connected again with the banner hidden", timeout,
        d -> !bannerShown() && "connected".equals(connectionState()),
        () -> "state " + connectionState() + ", banner '" + bannerText() + "'");
    return this;
  }

  /** Reloads the page, as F5 does. */
  public ChatPage reload() {
    driver.navigate().refresh();
    await("the page to load", d -> script("return document.readyState === 'complete'"));
    return this;
  }

  // ---- the page itself ----

  /** Fails when an alert, confirm or prompt is open. */
  public boolean alertOpen() {
    try {
      driver.switchTo().alert();
      return true;
    } catch (NoAlertPresentException e) {
      return false;
    }
  }

  /** Waits until a condition of the test's holds. */
  public ChatPage driverWait(String what, BooleanSupplier condition) {
    return driverWait(what, condition, () -> "");
  }

  /** Waits until a condition of the test's holds; on timeout the message adds {@code shown}. */
  public ChatPage driverWait(String what, BooleanSupplier condition, Supplier<String> shown) {
    await(what, Browsers.defaultWait(), d -> condition.getAsBoolean(), shown);
    return this;
  }

  /** Runs a script in the page. */
  public Object script(String js, Object... args) {
    return driver.executeScript(js, args);
  }

  /** Makes the page (viewport) this size, whatever the browser's window frame takes. */
  public ChatPage resizeViewport(Dimension size) {
    driver.manage().window().setSize(size);
    @SuppressWarnings("unchecked")
    List<Number> inner = (List<Number>) script("return [window.innerWidth, window.innerHeight];");
    int dw = size.width - inner.get(0).intValue();
    int dh = size.height - inner.get(1).intValue();
    if (dw != 0 || dh != 0) {
      driver.manage().window().setSize(new Dimension(size.width + dw, size.height + dh));
    }
    return this;
  }

  /** The page's width and how wide its content is: {@code [clientWidth, scrollWidth]}. */
  @SuppressWarnings("unchecked")
  public List<Long> widths() {
    return ((List<Number>) script("const e = document.documentElement; return [e.clientWidth, e.scrollWidth];"))
        .stream().map(Number::longValue).toList();
  }

  /** Saves a screenshot of the page; best effort (a test's outcome is not changed by it). */
  public void saveScreenshot(Path file) {
    try {
      if (alertOpen()) {
        driver.switchTo().alert().dismiss(); // a screenshot cannot be taken over an alert
      }
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException | WebDriverException e) {
      System.err.println("no screenshot of " + label + " at " + file + ": " + e);
    }
  }

  /** What the page wrote to the browser console so far (kept across calls). */
  public List<String> console() {
    try {
      for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
        console.add(Instant.ofEpochMilli(entry.getTimestamp()) + " " + entry.getLevel() + " " + entry.getMessage());
      }
    } catch (WebDriverException e) {
      console.add("(console not readable: " + e.getMessage() + ")");
    }
    return List.copyOf(console);
  }

  /** Errors the page did not catch ("Uncaught ..."), from the console. */
  public List<String> uncaughtErrors() {
    return console().stream().filter(line -> line.contains("Uncaught")).toList();
  }

  void saveConsole(Path file) {
    try {
      Files.writeString(file, String.join("\n", console()) + "\n", StandardCharsets.UTF_8);
    } catch (IOException | WebDriverException e) {
      System.err.println("no console log of " + label + " at " + file + ": " + e);
    }
  }

  void quit() {
    try {
      driver.quit();
    } catch (WebDriverException e) {
      System.err.println("closing the browser of " + label + ": " + e);
    }
  }

  // ---- helpers ----

  private WebElement byTestId(String id) {
    return driver.findElement(By.cssSelector("[data-testid='" + id + "']"));
  }

  private void type(String testId, String text) {
    WebElement input = byTestId(testId);
    input.clear();
    input.sendKeys(text);
  }

  private <T> T await(String what, Function<WebDriver, T> condition) {
    return await(what, Browsers.defaultWait(), condition, () -> "");
  }

  private <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
    return await(what, timeout, condition, () -> "");
  }

  private <T> T await(String what, Duration timeout, Function<WebDriver, T> condition,
      Supplier<String> shown) {
    WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(50));
    wait.withMessage(() -> {
      String state = shown.get();
      return label + ": waited " + timeout.toSeconds() + " s for " + what + (state.isEmpty() ? "" : "; " + state);
    });
    return wait.until(condition);
  }
}
