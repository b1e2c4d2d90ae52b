package dev.natter.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The paths of {@link ChatServerMain#run} that return before a server starts; the IT runs the rest. */
class ChatServerMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void helpPrintsTheUsageToStandardOutputAndSucceeds() {
    int status = run("--help");

    assertThat(status).isZero();
    assertThat(out()).isEqualTo(ServerOptions.usage()).startsWith("Usage: java -jar natter-server.jar");
    assertThat(err()).isEmpty();
  }

  @Test
  void aBadFlagIsReportedOnStandardErrorWithAHintAndExitStatusTwo() {
    int status = run("--port", "70000");

    assertThat(status).isEqualTo(2);
    assertThat(out()).isEmpty();
    assertThat(err())
        .startsWith("natter-server: --port must be 0 to 65535: 70000")
        .contains("--help");
  }

  private int run(String... args) {
    try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      return ChatServerMain.run(args, outStream, errStream);
    }
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
