package dev.natter.chat.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * README.md's code is the tested code, word for word, so it cannot rot: the quick start is
 * {@link QuickStartTest}, the explicit wiring is {@link ExplicitWiringTest}.
 */
class ReadmeQuickStartTest {

  @Test
  void readmeQuickStartIsTheTestedCode() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    String test = Files.readString(
        Path.of("src", "test", "java", "dev", "natter", "chat", "inmemory", "QuickStartTest.java"));
    String tested = between(test, "// quick-start:begin\n", "// quick-start:end");
    String shown = between(readme, "<!-- quick-start:begin -->\n```java\n", "```\n<!-- quick-start:end -->");
    assertThat(shown).isEqualTo(tested);
  }

  @Test
  void readmeWiringIsTheTestedCode() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    String test = Files.readString(
        Path.of("src", "test", "java", "dev", "natter", "chat", "inmemory", "ExplicitWiringTest.java"));
    String tested = between(test, "    // wiring:begin\n", "      // wiring:end").replace("printed.add(", "System.out.println(")
        .lines().map(line -> line.substring(4)).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    String shown = between(readme, "<!-- wiring:begin -->\n```java\n", "```\n<!-- wiring:end -->");
    assertThat(shown).isEqualTo(tested + "}\n");
  }

  private static String between(String text, String begin, String end) {
    int from = text.indexOf(begin);
    int to = text.indexOf(end, from + 1);
    assertThat(from).as("marker %s", begin.strip()).isNotNegative();
    assertThat(to).as("marker %s", end.strip()).isPositive();
    return text.substring(from + begin.length(), to);
  }
}
