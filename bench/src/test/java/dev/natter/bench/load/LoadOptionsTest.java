package dev.natter.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {
  private static final String URL = "ws://127.0.0.1:8080/chat";

  @Test
  void aLoadRunAgainstARunningServerTakesTheDefaults() throws Exception {
    LoadOptions o = LoadOptions.parse("--url", URL);

    assertThat(o.urls()).containsExactly(URI.create(URL));
    assertThat(o.serverJar()).isNull();
    assertThat(o.idle()).isFalse();
    assertThat(o.clients()).isEqualTo(100);
    assertThat(o.rooms()).isEqualTo(1);
    assertThat(o.senders()).isEqualTo(1);
    assertThat(o.rate()).isZero();
    assertThat(o.window()).isEqualTo(32);
    assertThat(o.durationSeconds()).isEqualTo(10);
    assertThat(o.warmupSeconds()).isEqualTo(3);
    assertThat(o.textBytes()).isEqualTo(100);
  }

  @Test
  void startsAServerWithArgumentsThatAreFlagsThemselves() throws Exception {
    LoadOptions o = LoadOptions.parse("--start-server", "examples/target/natter-server.jar",
        "--server-args", "--in-memory  --rate-limit off", "--server-jvm-args=-Xmx1g",
        "--clients", "200", "--rooms=4", "--senders", "5", "--rate", "2.5", "--duration", "10", "--warmup", "0");

    assertThat(o.serverJar()).isEqualTo(Path.of("examples/target/natter-server.jar"));
    assertThat(o.serverArgs()).containsExactly("--in-memory", "--rate-limit", "off");
    assertThat(o.serverJvmArgs()).containsExactly("-Xmx1g");
    assertThat(o.clients()).isEqualTo(200);
    assertThat(o.rooms()).isEqualTo(4);
    assertThat(o.senders()).isEqualTo(5);
    assertThat(o.rate()).isEqualTo(2.5);
    assertThat(o.warmupSeconds()).isZero();
  }

  @Test
  void idleClientsMeasureTheHeapOfAServerWhoseProcessIsKnown() throws Exception {
    LoadOptions started = LoadOptions.parse("--start-server", "s.jar", "--idle-clients", "2000", "--rooms", "50");
    LoadOptions attached = LoadOptions.parse("--url", URL, "--server-pid", "1234", "--idle-clients", "10");

    assertThat(started.idle()).isTrue();
    assertThat(started.idleClients()).isEqualTo(2000);
    assertThat(started.clients()).isEqualTo(2000);
    assertThat(started.rooms()).isEqualTo(50);
    assertThat(attached.serverPid()).isEqualTo(1234);
  }

  @Test
  void aRepeatedUrlNamesTheNodesOfACluster() throws Exception {
    String second = "ws://127.0.0.1:8081/chat";
    LoadOptions o = LoadOptions.parse("--url", URL, "--url=" + second, "--clients", "4");

    assertThat(o.urls()).containsExactly(URI.create(URL), URI.create(second));
  }

  @Test
  void helpWinsOverEverythingElse() throws Exception {
    assertThat(LoadOptions.parse("--clients", "nonsense", "--help").help()).isTrue();
    assertThat(LoadOptions.usage()).contains("--url", "--start-server", "--idle-clients", "--window");
  }

  @Test
  void badCommandLinesAreRefusedWithAMessageNamingTheProblem() {
    assertRefused("give either --url", "--clients", "10");
    assertRefused("give either --url", "--url", URL, "--start-server", "s.jar");
    assertRefused("unknown flag: --client", "--url", URL, "--client", "10");
    assertRefused("unexpected argument: 10", "--url", URL, "10");
    assertRefused("--clients needs a value", "--url", URL, "--clients");
    assertRefused("--clients needs a value", "--url", URL, "--clients", "--rooms", "2");
    assertRefused("--clients given twice", "--url", URL, "--clients", "1", "--clients=2");
    assertRefused("--clients must be a whole number from 1 to 100000: ten", "--url", URL, "--clients", "ten");
    assertRefused("--clients must be a whole number from 1 to 100000: 0", "--url", URL, "--clients", "0");
    assertRefused("--rate must be a number from 0 to 1000000: -1", "--url", URL, "--rate", "-1");
    assertRefused("--rate must be a number from 0 to 1000000: NaN", "--url", URL, "--rate", "NaN");
    assertRefused("--duration must be a number from 0.1 to 3600: 0", "--url", URL, "--duration", "0");
    assertRefused("--text-bytes must be a whole number from " + LoadOptions.MIN_TEXT_BYTES + " to 4000: 10",
        "--url", URL, "--text-bytes", "10");
    assertRefused("--url must be a WebSocket URL", "--url", "http://127.0.0.1:8080/chat");
    assertRefused("--url must be a WebSocket URL", "--url", "ws://[bad");
    assertRefused("--senders must be at most --clients (3)", "--url", URL, "--clients", "3", "--senders", "4");
    assertRefused("--rooms must be at most the number of clients (3): 4", "--url", URL, "--clients", "3",
        "--rooms", "4");
    assertRefused("--window is for --rate 0", "--url", URL, "--rate", "5", "--window", "8");
    assertRefused("--server-args needs --start-server", "--url", URL, "--server-args", "--in-memory");
    assertRefused("--server-pid goes with --url", "--start-server", "s.jar", "--server-pid", "12");
    assertRefused("--senders is for a load run, not for --idle-clients", "--start-server", "s.jar",
        "--idle-clients", "10", "--senders", "2");
    assertRefused("--idle-clients reads the server's heap", "--url", URL, "--idle-clients", "10");
    assertRefused("--server-pid goes with a single --url", "--url", URL, "--url", "ws://127.0.0.1:8081/chat",
        "--server-pid", "12");
    assertRefused("give either --url", "--url", URL, "--url", URL, "--start-server", "s.jar");
  }

  private static void assertRefused(String message, String... args) {
    assertThatThrownBy(() -> LoadOptions.parse(args))
        .isInstanceOf(LoadOptions.UsageException.class)
        .hasMessageContaining(message);
  }
}
