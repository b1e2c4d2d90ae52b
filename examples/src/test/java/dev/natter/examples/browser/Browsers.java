package dev.natter.examples.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Real headless Chromium browsers for a test class, one per simulated user: Debian's {@code chromium}
 * driven through its {@code chromedriver}, both by path (Selenium Manager never runs, nothing is
 * downloaded). Each browser has its own fresh profile ({@code --user-data-dir} in a temporary folder), so
 * two of them are two independent users.
 *
 * <pre>{@code
 * @RegisterExtension static final Browsers BROWSERS = new Browsers();
 * ... ChatPage alice = BROWSERS.open("alice"); ...
 * }</pre>
 *
 * <p>After each test, passed or failed, every browser it opened is photographed into
 * {@code target/browser-screenshots/CLASS.METHOD-LABEL.png} (with {@code -FAILED} when the test failed),
 * its console saved beside it as {@code .log}, and then closed.
 *
 * <p>Without the browser or the driver the class's tests are skipped with a loud message, unless the
 * system property {@code natter.require.browser} is {@code true} (as .ci/run sets it): then they fail.
 * {@code natter.chromium} and {@code natter.chromedriver} name other paths than {@code /usr/bin/chromium}
 * and {@code /usr/bin/chromedriver}.
 */
public final class Browsers implements BeforeAllCallback, AfterTestExecutionCallback, AfterEachCallback {
  public static final String REQUIRE_PROPERTY = "natter.require.browser";
  /** The size of a browser's page (its viewport), unless a test changes it. */
  public static final Dimension VIEWPORT = new Dimension(1280, 800);

  private static final Path CHROMIUM = Path.of(System.getProperty("natter.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER =
      Path.of(System.getProperty("natter.chromedriver", "/usr/bin/chromedriver"));
  // Selenium's logger of the CDP bindings it does not need here (it warns that none matches the browser).
  private static final Logger DEVTOOLS_LOGGER = Logger.getLogger("org.openqa.selenium.devtools");

  private final List<ChatPage> open = new ArrayList<>();

  @Override
  public void beforeAll(ExtensionContext context) {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(CHROMIUM)) {
      missing.add(CHROMIUM + " (package chromium)");
    }
    if (!Files.isExecutable(CHROMEDRIVER)) {
      missing.add(CHROMEDRIVER + " (package chromium-driver)");
    }
    if (!missing.isEmpty()) {
      String message = "No browser to test the chat page with: " + String.join(" and ", missing)
          + " missing, so the browser tests of " + context.getDisplayName() + " are SKIPPED."
          + " Install them (apt-get install chromium chromium-driver, as .ci/run does); -D"
          + REQUIRE_PROPERTY + "=true turns this skip into a failure.";
      if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
        Assertions.fail(message.replace("are SKIPPED", "FAIL (" + REQUIRE_PROPERTY + "=true)"));
      }
      System.err.println("*** " + message);
      Assumptions.abort(message);
    }
    // Belt and braces: the service below names the driver, and nothing may be fetched.
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    System.setProperty("SE_OFFLINE", "true");
    DEVTOOLS_LOGGER.setLevel(Level.SEVERE);
  }

  /** Starts a browser for one user; {@code label} names it in screenshots ("alice"). */
  public ChatPage open(String label) {
    Path profile;
    try {
      profile = Files.createTempDirectory("natter-chromium-" + label + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic", "--no-first-run", "--no-default-browser-check", "--password-store=basic",
        // two browsers side by side: neither may be slowed down as a background window
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        "--lang=en-US", "--force-device-scale-factor=1",
        "--window-size=" + VIEWPORT.width + "," + VIEWPORT.height,
        "--user-data-dir=" + profile);
    // An alert stays open, so a test can look for it instead of the driver dismissing it.
    options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .withEnvironment(Map.of("SE_OFFLINE", "true"))
        .withLogOutput(java.io.OutputStream.nullOutputStream())
        .build();
    ChromeDriver driver;
    try {
      driver = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      deleteRecursively(profile);
      throw e;
    }
    ChatPage page = new ChatPage(driver, label, profile);
    synchronized (open) {
      open.add(page);
    }
    page.resizeViewport(VIEWPORT);
    return page;
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    boolean failed = context.getExecutionException().isPresent();
    Path dir = screenshotDir();
    String method = context.getRequiredTestMethod().getName();
    String display = context.getDisplayName();
    String base = context.getRequiredTestClass().getSimpleName() + "." + method
        // a parameterized test's invocations each get their own files: "[1] SIGKILL" -> "-1-SIGKILL"
        + (display.equals(method + "()") ? "" : "-" + display.replaceAll("[^A-Za-z0-9_.]+", "-").replaceAll("^-|-$", ""));
    for (ChatPage page : snapshot()) {
      String name = base + "-" + page.label() + (failed ? "-FAILED" : "");
      page.saveScreenshot(dir.resolve(name + ".png"));
      page.saveConsole(dir.resolve(name + ".log"));
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (ChatPage page : snapshot()) {
      page.quit();
      deleteRecursively(page.profile());
    }
    synchronized (open) {
      open.clear();
    }
  }

  private List<ChatPage> snapshot() {
    synchronized (open) {
      return List.copyOf(open);
    }
  }

  /** {@code target/browser-screenshots} of the examples module, created when missing. */
  public static Path screenshotDir() {
    String jar = System.getProperty("natter.server.jar");
    Path target = jar != null ? Path.of(jar).toAbsolutePath().getParent() : Path.of("target").toAbsolutePath();
    Path dir = target.resolve("browser-screenshots");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** How long a page waits for the chat by default. */
  static Duration defaultWait() {
    return Duration.ofSeconds(20);
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not delete the browser profile " + root + ": " + e);
    }
  }
}
