package dev.natter.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.Limits;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerOptionsTest {

  @Test
  void noFlagsGiveTheDocumentedDefaults() throws UsageException {
    ServerOptions options = ServerOptions.parse();

    assertThat(options).isEqualTo(ServerOptions.defaults());
    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.port()).isEqualTo(8080);
    assertThat(options.dataDir()).isEqualTo(Path.of("./natter-data"));
    assertThat(options.inMemory()).isFalse();
    assertThat(options.allowedOrigins()).isEmpty();
    assertThat(options.auth()).isEqualTo(ServerOptions.Auth.NONE);
    assertThat(options.jwtSecret()).isNull();
    assertThat(options.cluster()).isNull();
    assertThat(options.help()).isFalse();
    Limits limits = options.limits();
    assertThat(limits.presenceGrace()).isEqualTo(Duration.ofMillis(5000));
    assertThat(limits.helloTimeout()).isEqualTo(Duration.ofMillis(10_000));
    assertThat(limits.rateLimit()).isEqualTo(Limits.RateLimit.of(20, Duration.ofSeconds(10)));
    assertThat(limits.maxFrameBytes()).isEqualTo(65_536);
    assertThat(limits.maxTextChars()).isEqualTo(4000);
  }

  @Test
  void everyFlagTakesItsValueAsTheNextArgument() throws UsageException {
    ServerOptions options = ServerOptions.parse(
        "--host", "0.0.0.0", "--port", "0", "--data-dir", "chat-data", "--presence-grace-ms", "0",
        "--hello-timeout-ms", "2500", "--rate-limit", "5/500ms", "--max-frame-bytes", "1024",
        "--max-text-chars", "200", "--allowed-origins", "https://chat.example.com, http://localhost:3000");

    assertThat(options.host()).isEqualTo("0.0.0.0");
    assertThat(options.port()).isZero();
    assertThat(options.dataDir()).isEqualTo(Path.of("chat-data"));
    assertThat(options.limits().presenceGrace()).isZero();
    assertThat(options.limits().helloTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(options.limits().rateLimit()).isEqualTo(Limits.RateLimit.of(5, Duration.ofMillis(500)));
    assertThat(options.limits().maxFrameBytes()).isEqualTo(1024);
    assertThat(options.limits().maxTextChars()).isEqualTo(200);
    assertThat(options.allowedOrigins()).containsExactly("https://chat.example.com", "http://localhost:3000");
  }

  @Test
  void everyFlagTakesItsValueAfterAnEqualsSign() throws UsageException {
    ServerOptions options = ServerOptions.parse(
        "--host=::1", "--port=9000", "--presence-grace-ms=100", "--hello-timeout-ms=1",
        "--rate-limit=off", "--max-frame-bytes=2048", "--max-text-chars=10",
        "--allowed-origins=https://a.example/", "--in-memory");

    assertThat(options.host()).isEqualTo("::1");
    assertThat(options.port()).isEqualTo(9000);
    assertThat(options.inMemory()).isTrue();
    assertThat(options.limits().presenceGrace()).isEqualTo(Duration.ofMillis(100));
    assertThat(options.limits().helloTimeout()).isEqualTo(Duration.ofMillis(1));
    assertThat(options.limits().rateLimit()).isNull();
    assertThat(options.limits().maxFrameBytes()).isEqualTo(2048);
    assertThat(options.limits().maxTextChars()).isEqualTo(10);
    assertThat(options.allowedOrigins()).containsExactly("https://a.example/");
  }

  @Test
  void helpWinsOverEverythingElse() throws UsageException {
    assertThat(ServerOptions.parse("--port", "1", "--help").help()).isTrue();
    assertThat(ServerOptions.parse("-h").help()).isTrue();
    assertThat(ServerOptions.parse("--help", "--no-such-flag").help()).isTrue();
  }

  @Test
  void theUsageNamesEveryFlagAndWhereThePasswordMayComeFrom() {
    assertThat(ServerOptions.usage())
        .contains("--host", "--port", "--data-dir", "--in-memory", "--presence-grace-ms",
            "--hello-timeout-ms", "--rate-limit", "--max-frame-bytes", "--max-text-chars",
            "--allowed-origins", "--jdbc-url", "--jdbc-user", "--jdbc-password", "--auth", "--jwt-secret",
            "--redis", "--node-id", "--help")
        .contains(ServerOptions.PASSWORD_VARIABLE, ServerOptions.JWT_SECRET_VARIABLE, "jwt.key")
        .contains("none", "jwt", "accounts", "/register", "/login");
  }

  // ---- authentication ----

  private static final String SECRET = "0123456789abcdef0123456789abcdef-secret";

  @Test
  void authJwtTakesItsSecretFromTheFlagOrTheEnvironmentAndNeverShowsIt() throws UsageException {
    ServerOptions flagged = ServerOptions.parse(Map.of(), "--auth", "jwt", "--jwt-secret", SECRET);
    assertThat(flagged.auth()).isEqualTo(ServerOptions.Auth.JWT);
    assertThat(flagged.jwtSecret().value()).isEqualTo(SECRET);
    assertThat(flagged.jwtSecret().bytes()).isEqualTo(SECRET.getBytes(StandardCharsets.UTF_8));
    assertThat(flagged.toString()).doesNotContain(SECRET).contains("JwtSecret[***]");
    assertThat(flagged.jwtSecret().toString()).doesNotContain(SECRET);

    ServerOptions fromEnvironment = ServerOptions.parse(
        Map.of(ServerOptions.JWT_SECRET_VARIABLE, SECRET + "-env"), "--auth=jwt");
    assertThat(fromEnvironment.jwtSecret().value()).isEqualTo(SECRET + "-env");
    ServerOptions flagWins = ServerOptions.parse(
        Map.of(ServerOptions.JWT_SECRET_VARIABLE, SECRET + "-env"), "--auth=jwt", "--jwt-secret=" + SECRET);
    assertThat(flagWins.jwtSecret().value()).isEqualTo(SECRET);
  }

  @Test
  void authAccountsNeedsNoSecretAndKeepsOneWhenGiven() throws UsageException {
    ServerOptions keyInDataDir = ServerOptions.parse(Map.of(), "--auth", "accounts");
    assertThat(keyInDataDir.auth()).isEqualTo(ServerOptions.Auth.ACCOUNTS);
    assertThat(keyInDataDir.jwtSecret()).isNull();

    assertThat(ServerOptions.parse(Map.of(), "--auth", "accounts", "--in-memory").jwtSecret()).isNull();
    assertThat(ServerOptions.parse(Map.of(), "--auth", "accounts", "--jwt-secret", SECRET).jwtSecret().value())
        .isEqualTo(SECRET);
    assertThat(ServerOptions.parse(Map.of(ServerOptions.JWT_SECRET_VARIABLE, SECRET), "--auth", "accounts")
        .jwtSecret().value()).isEqualTo(SECRET);
    assertThat(ServerOptions.parse(Map.of(ServerOptions.JWT_SECRET_VARIABLE, SECRET), "--auth", "accounts",
        "--jdbc-url", "jdbc:postgresql://h/db").jwtSecret().value()).isEqualTo(SECRET);
  }

  @Test
  void theSecretInTheEnvironmentIsIgnoredWithoutAuth() throws UsageException {
    ServerOptions options = ServerOptions.parse(Map.of(ServerOptions.JWT_SECRET_VARIABLE, "short"));

    assertThat(options.auth()).isEqualTo(ServerOptions.Auth.NONE);
    assertThat(options.jwtSecret()).isNull();
  }

  @Test
  void aSecretThatLooksLikeAFlagIsTakenAsTheSecretNotQuotedAsAFlag() throws UsageException {
    String dashed = "--" + SECRET;
    ServerOptions options = ServerOptions.parse(Map.of(), "--auth", "jwt", "--jwt-secret", dashed);

    assertThat(options.jwtSecret().value()).isEqualTo(dashed);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--auth basic                                   | --auth must be none, jwt or accounts: basic",
      "--auth JWT                                     | --auth must be none, jwt or accounts",
      "--auth                                         | --auth needs a value",
      "--jwt-secret SECRET                            | --jwt-secret needs --auth jwt or --auth accounts",
      "--auth none --jwt-secret SECRET                | --jwt-secret needs --auth jwt or --auth accounts",
      "--auth jwt                                     | --auth jwt needs the secret",
      "--auth jwt --jwt-secret short-secret           | --jwt-secret must be at least 32 bytes long (HS256), it has 12",
      "--auth accounts --jwt-secret short-secret      | --jwt-secret must be at least 32 bytes long",
      "--auth accounts --jdbc-url jdbc:postgresql://h/db | --auth accounts with --jdbc-url needs --jwt-secret",
      "--auth jwt --jwt-secret SECRET --jwt-secret=SECRET | --jwt-secret given twice",
      "--auth jwt --jwt-secret                        | --jwt-secret needs a value"})
  void authFlagsThatContradictEachOtherAreRefusedWithoutQuotingTheSecret(String commandLine, String message) {
    assertThatThrownBy(() -> ServerOptions.parse(Map.of(), split(commandLine.replace("SECRET", SECRET))))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(message)
        .hasMessageNotContaining(SECRET)
        .hasMessageNotContaining("short-secret");
  }

  @Test
  void aShortSecretInTheEnvironmentIsRefusedNamingTheVariable() {
    assertThatThrownBy(() -> ServerOptions.parse(Map.of(ServerOptions.JWT_SECRET_VARIABLE, "short-secret"),
        "--auth", "jwt"))
        .isInstanceOf(UsageException.class)
        .hasMessage(ServerOptions.JWT_SECRET_VARIABLE + " must be at least 32 bytes long (HS256), it has 12");
  }

  @Test
  void theRecordRefusesAModeWithoutTheSecretItNeeds() {
    ServerOptions defaults = ServerOptions.defaults();
    assertThatThrownBy(() -> new ServerOptions(defaults.host(), 0, defaults.dataDir(), false, null,
        defaults.limits(), List.of(), ServerOptions.Auth.JWT, null, null, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ServerOptions(defaults.host(), 0, defaults.dataDir(), false, null,
        defaults.limits(), List.of(), ServerOptions.Auth.NONE, new ServerOptions.JwtSecret(SECRET), null, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0} is {1} sends per {2} ms")
  @CsvSource({
      "20/10s, 20, 10000",
      "5/500ms, 5, 500",
      "100/1m, 100, 60000",
      "3/2h, 3, 7200000",
      "10/s, 10, 1000",
  })
  void rateLimitsReadAsSendsPerPeriod(String value, int sends, long perMillis) throws UsageException {
    assertThat(ServerOptions.rateLimit(value))
        .isEqualTo(Limits.RateLimit.of(sends, Duration.ofMillis(perMillis)));
  }

  @Test
  void rateLimitOffMeansNoLimit() throws UsageException {
    assertThat(ServerOptions.rateLimit("off")).isNull();
    assertThat(ServerOptions.rateLimit("OFF")).isNull();
  }

  @ParameterizedTest(name = "--rate-limit {0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "20          | must be SENDS/PERIOD",
      "20/10       | must be SENDS/PERIOD",
      "20/10d      | must be SENDS/PERIOD",
      "-1/10s      | must be SENDS/PERIOD",
      "twenty/10s  | must be SENDS/PERIOD",
      "20 / 10s    | must be SENDS/PERIOD",
      "0/10s       | a rate limit needs positive sends and period",
      "20/0s       | a rate limit needs positive sends and period",
      "99999999999/1s | too large",
  })
  void badRateLimitsAreRefusedWithTheReason(String value, String reason) {
    assertThatThrownBy(() -> ServerOptions.parse("--rate-limit", value))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--rate-limit")
        .hasMessageContaining(reason);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      // unknown flags and stray arguments
      "--prot 8080                | unknown flag: --prot",
      "-p 8080                    | unknown flag: -p",
      "8080                       | unexpected argument: 8080",
      // missing values
      "--port                     | --port needs a value",
      "--host --port 1            | --host needs a value",
      "--port=                    | --port needs a value",
      // switches take none
      "--in-memory=yes            | --in-memory takes no value",
      // twice
      "--port 1 --port=2          | --port given twice",
      // not numbers, negative, out of range
      "--port eighty              | --port needs a whole number: eighty",
      "--port 1.5                 | --port needs a whole number: 1.5",
      "--port -1                  | --port must not be negative: -1",
      "--port 65536               | --port must be 0 to 65535: 65536",
      "--presence-grace-ms -5     | --presence-grace-ms must not be negative",
      "--hello-timeout-ms 99999999999999999999 | --hello-timeout-ms is too large",
      "--max-text-chars 3000000000 | --max-text-chars is too large",
      "--max-frame-bytes 100000000 | --max-frame-bytes must be at most",
      // values the server's limits refuse
      "--hello-timeout-ms 0       | --hello-timeout-ms 0 is refused: helloTimeout must be positive",
      "--max-frame-bytes 0        | --max-frame-bytes 0 is refused: maxFrameBytes must be positive",
      "--max-text-chars 0         | --max-text-chars 0 is refused: maxTextChars must be positive",
      // origins and stores
      "--allowed-origins chat.example.com | --allowed-origins takes origins",
      "--allowed-origins https://a.example/path | no path",
      "--allowed-origins ' , '    | --allowed-origins needs at least one origin",
      "--in-memory --data-dir x   | --in-memory and --data-dir exclude each other",
  })
  void badCommandLinesAreRefusedNamingTheFlag(String commandLine, String message) {
    assertThatThrownBy(() -> ServerOptions.parse(split(commandLine)))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aDataDirectoryThatIsAFileIsRefused(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("history"), "not a directory");

    assertThatThrownBy(() -> ServerOptions.parse("--data-dir", file.toString()))
        .isInstanceOf(UsageException.class)
        .hasMessage("--data-dir is not a directory: " + file);
  }

  @Test
  void aDataDirectoryMayNotExistYet(@TempDir Path dir) throws UsageException {
    Path missing = dir.resolve("not-yet");

    assertThat(ServerOptions.parse("--data-dir=" + missing).dataDir()).isEqualTo(missing);
    assertThat(missing).doesNotExist();
  }

  @Test
  void aDataDirectoryWithANulCharacterIsRefused() {
    assertThatThrownBy(() -> ServerOptions.parse("--data-dir", "bad\0path"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--data-dir is not a valid path");
  }

  @Test
  void theOptionsAreImmutable() throws UsageException {
    ServerOptions options = ServerOptions.parse("--allowed-origins", "https://a.example");

    assertThatThrownBy(() -> options.allowedOrigins().add("https://b.example"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aJdbcUrlTakesItsPasswordFromTheFlagOrTheEnvironment() throws UsageException {
    String url = "jdbc:postgresql://127.0.0.1:5432/natter";
    ServerOptions flagged = ServerOptions.parse(java.util.Map.of(),
        "--jdbc-url", url, "--jdbc-user", "chat", "--jdbc-password", "s3cret");
    assertThat(flagged.jdbc()).isEqualTo(new ServerOptions.Jdbc(url, "chat", "s3cret"));
    assertThat(flagged.toString()).doesNotContain("s3cret");

    ServerOptions fromEnvironment = ServerOptions.parse(
        java.util.Map.of(ServerOptions.PASSWORD_VARIABLE, "env-secret"), "--jdbc-url=" + url);
    assertThat(fromEnvironment.jdbc().password()).isEqualTo("env-secret");
    assertThat(fromEnvironment.jdbc().user()).isNull();
    assertThat(ServerOptions.parse().jdbc()).isNull();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--jdbc-url jdbc:postgresql://h/db --in-memory | --jdbc-url excludes",
      "--jdbc-url jdbc:postgresql://h/db --data-dir d | --jdbc-url excludes",
      "--jdbc-url postgresql://h/db | must be a JDBC URL",
      "--jdbc-user chat | need --jdbc-url",
      "--jdbc-password x | need --jdbc-url"})
  void storeFlagsThatContradictEachOtherAreRefused(String commandLine, String message) {
    assertThatThrownBy(() -> ServerOptions.parse(java.util.Map.of(), split(commandLine)))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(message);
  }

  // ---- a node of a cluster ----

  private static final String PG = "jdbc:postgresql://127.0.0.1:5432/natter";

  @Test
  void redisAndANodeIdMakeTheServerANodeOfACluster() throws UsageException {
    ServerOptions options = ServerOptions.parse(Map.of(),
        "--redis", "redis://127.0.0.1:6379", "--node-id", "n1", "--jdbc-url", PG, "--presence-grace-ms=2000");

    assertThat(options.cluster()).isEqualTo(new ServerOptions.ClusterNode(URI.create("redis://127.0.0.1:6379"), "n1"));
    assertThat(options.jdbc().url()).isEqualTo(PG);
    assertThat(options.limits().presenceGrace()).isEqualTo(Duration.ofSeconds(2));

    ServerOptions tls = ServerOptions.parse(Map.of(),
        "--redis=rediss://redis.example.com:6380/2", "--node-id=eu-west_1", "--jdbc-url=" + PG);
    assertThat(tls.cluster().redis()).isEqualTo(URI.create("rediss://redis.example.com:6380/2"));
    assertThat(tls.cluster().nodeId()).isEqualTo("eu-west_1");
  }

  @Test
  void aRedisPasswordIsNeverShown() throws UsageException {
    ServerOptions options = ServerOptions.parse(Map.of(),
        "--redis", "redis://:r3dis-pass@127.0.0.1:6379/1", "--node-id", "n1", "--jdbc-url", PG);

    assertThat(options.cluster().redis().getUserInfo()).isEqualTo(":r3dis-pass");
    assertThat(options.cluster().redisForDisplay()).isEqualTo("redis://127.0.0.1:6379/1");
    assertThat(options.toString()).doesNotContain("r3dis-pass").contains("redis://127.0.0.1:6379/1", "n1");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--node-id n1 --jdbc-url PG                          | --node-id needs --redis",
      "--redis redis://127.0.0.1:6379 --jdbc-url PG        | --redis needs --node-id ID",
      "--redis redis://127.0.0.1:6379 --node-id n1         | --redis needs --jdbc-url jdbc:postgresql://",
      "--redis redis://127.0.0.1:6379 --node-id n1 --in-memory | --redis needs --jdbc-url jdbc:postgresql://",
      "--redis redis://127.0.0.1:6379 --node-id n1 --data-dir d | --redis needs --jdbc-url jdbc:postgresql://",
      "--redis redis://127.0.0.1:6379 --node-id n1 --jdbc-url jdbc:sqlite:chat.db | --redis needs --jdbc-url jdbc:postgresql://",
      "--redis http://127.0.0.1:6379 --node-id n1 --jdbc-url PG | --redis must be a URI such as redis://127.0.0.1:6379: not a redis:// or rediss:// URI",
      "--redis 127.0.0.1:6379 --node-id n1 --jdbc-url PG   | --redis must be a URI such as redis://127.0.0.1:6379",
      "--redis 'redis://bad host:1' --node-id n1 --jdbc-url PG | --redis must be a URI such as redis://127.0.0.1:6379",
      "--redis redis:///0 --node-id n1 --jdbc-url PG       | the Redis URI names no host",
      "--redis redis://127.0.0.1:6379 --node-id n.1 --jdbc-url PG | --node-id must be 1 to 32 of A-Z a-z 0-9 _ -: n.1",
      "--redis redis://127.0.0.1:6379 --node-id 'n 1' --jdbc-url PG | --node-id must be 1 to 32 of A-Z a-z 0-9 _ -",
      "--redis redis://127.0.0.1:6379 --node-id abcdefghijklmnopqrstuvwxyz0123456 --jdbc-url PG | --node-id must be 1 to 32",
      "--redis redis://127.0.0.1:6379 --redis=redis://127.0.0.1:6380 --node-id n1 --jdbc-url PG | --redis given twice",
      "--redis --node-id n1 --jdbc-url PG                  | --redis needs a value"})
  void clusterFlagsThatAreMalformedOrContradictTheStoreAreRefused(String commandLine, String message) {
    assertThatThrownBy(() -> ServerOptions.parse(Map.of(), split(commandLine.replace("PG", PG))))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aMalformedRedisUriIsRefusedWithoutQuotingItsPassword() {
    assertThatThrownBy(() -> ServerOptions.parse(Map.of(),
        "--redis", "redis://:r3dis-pass@bad host:6379", "--node-id", "n1", "--jdbc-url", PG))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--redis must be a URI")
        .hasMessageNotContaining("r3dis-pass");
    assertThatThrownBy(() -> ServerOptions.parse(Map.of(),
        "--redis", "http://:r3dis-pass@127.0.0.1:6379", "--node-id", "n1", "--jdbc-url", PG))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--redis must be a URI")
        .hasMessageNotContaining("r3dis-pass");
  }

  @Test
  void theRecordRefusesAClusterNodeWithoutAPostgresqlDatabase() {
    ServerOptions defaults = ServerOptions.defaults();
    ServerOptions.ClusterNode node = new ServerOptions.ClusterNode(URI.create("redis://127.0.0.1:6379"), "n1");
    assertThatThrownBy(() -> new ServerOptions(defaults.host(), 0, defaults.dataDir(), false, null,
        defaults.limits(), List.of(), ServerOptions.Auth.NONE, null, node, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ServerOptions(defaults.host(), 0, defaults.dataDir(), false,
        new ServerOptions.Jdbc("jdbc:sqlite:chat.db", null, null), defaults.limits(), List.of(),
        ServerOptions.Auth.NONE, null, node, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Splits on spaces, keeping a single-quoted part whole. */
  private static String[] split(String commandLine) {
    List<String> parts = new java.util.ArrayList<>();
    java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("'([^']*)'|(\\S+)").matcher(commandLine);
    while (matcher.find()) {
      parts.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
    }
    return parts.toArray(String[]::new);
  }
}
