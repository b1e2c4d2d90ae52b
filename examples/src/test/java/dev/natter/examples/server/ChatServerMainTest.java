package dev.natter.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void authFlagsThatContradictEachOtherExitWithStatusTwoWithoutPrintingTheSecret() {
    String secret = "0123456789abcdef0123456789abcdef-do-not-print";

    int status = run("--port", "0", "--jwt-secret", secret);

    assertThat(status).isEqualTo(2);
    assertThat(err()).startsWith("natter-server: --jwt-secret needs --auth jwt or --auth accounts")
        .doesNotContain(secret);
    assertThat(out()).isEmpty();
  }

  @Test
  void aClusterNodeWithoutPostgresqlExitsWithStatusTwoBeforeReachingRedis() {
    int status = run("--port", "0", "--redis", "redis://127.0.0.1:1", "--node-id", "n1", "--in-memory");

    assertThat(status).isEqualTo(2);
    assertThat(err()).startsWith("natter-server: --redis needs --jdbc-url jdbc:postgresql://");
    assertThat(out()).isEmpty();
  }

  @Test
  void aJwtKeyFileThatCannotBeReadExitsWithStatusOneNamingIt(@TempDir Path dataDir) throws Exception {
    Path key = Files.createDirectories(dataDir.resolve("jwt.key")); // a folder where the key should be

    int status = run("--port", "0", "--data-dir", dataDir.toString(), "--auth", "accounts");

    assertThat(status).isEqualTo(1);
    assertThat(err()).startsWith("natter-server: cannot use the JWT key " + key.toAbsolutePath());
    assertThat(out()).isEmpty();
  }

  private int run(String... args) {
    try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      return ChatServerMain.run(args, Map.of(), outStream, errStream);
    }
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
