package dev.natter.examples.server;

import dev.natter.chat.Limits;
import dev.natter.chat.cluster.redis.RedisCluster;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chat server's command line, parsed and checked: every value here is one the server accepts.
 *
 * <pre>{@code
 * ServerOptions options = ServerOptions.parse("--port", "0", "--rate-limit=5/500ms");
 * }</pre>
 *
 * @param host the address to listen on
 * @param port the port to listen on; 0 for any free port
 * @param dataDir where the embedded SQLite store keeps history (unless {@code inMemory} or {@code jdbc})
 * @param inMemory whether history is to be kept in memory only
 * @param jdbc the database to keep history in instead of SQLite, or {@code null}
 * @param limits the server's limits, defaults overridden by the flags
 * @param allowedOrigins browser origins allowed besides the server's own
 * @param auth how clients prove who they are
 * @param jwtSecret the secret of the tokens ({@code --jwt-secret} or {@value #JWT_SECRET_VARIABLE}), or
 *     {@code null}: always there for {@link Auth#JWT}; for {@link Auth#ACCOUNTS} without it, the key is
 *     kept in the data directory (or made afresh with {@code inMemory}); never there for {@link Auth#NONE}
 * @param cluster the cluster this server is a node of ({@code --redis}, {@code --node-id}), or
 *     {@code null} for a server alone; when there, {@code jdbc} is a PostgreSQL database, which the
 *     nodes share
 * @param help whether {@code --help} was asked for (the other components are then the defaults)
 */
public record ServerOptions(
    String host,
    int port,
    Path dataDir,
    boolean inMemory,
    Jdbc jdbc,
    Limits limits,
    List<String> allowedOrigins,
    Auth auth,
    JwtSecret jwtSecret,
    ClusterNode cluster,
    boolean help) {

  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 8080;
  static final Path DEFAULT_DATA_DIR = Path.of("./natter-data");
  /** Where the JDBC password may come from instead of the command line, which others can read. */
  static final String PASSWORD_VARIABLE = "NATTER_JDBC_PASSWORD";
  /** Where the JWT secret may come from instead of the command line, which others can read. */
  static final String JWT_SECRET_VARIABLE = "NATTER_JWT_SECRET";
  /** The shortest JWT secret, in bytes (UTF-8): 256 bits, what HS256 needs. */
  static final int MIN_JWT_SECRET_BYTES = 32;

  /** How clients prove who they are ({@code --auth}). */
  public enum Auth {
    /** Anyone may use any free name, no token: the nickname mode. */
    NONE,
    /** A JWT (HS256) signed with the secret, minted elsewhere, is required in {@code hello}. */
    JWT,
    /** As {@link #JWT}, with the tokens handed out by {@code POST /register} and {@code POST /login}. */
    ACCOUNTS;

    /** The flag's value: {@code none}, {@code jwt}, {@code accounts}. */
    public String flagValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The secret that signs and checks the tokens, at least {@value #MIN_JWT_SECRET_BYTES} bytes of UTF-8.
   *
   * @param value the secret; never shown by {@link #toString()}
   */
  public record JwtSecret(String value) {
    /** Checks the value is there. */
    public JwtSecret {
      Objects.requireNonNull(value, "value");
    }

    /** The secret's bytes, UTF-8, a new array each time. */
    public byte[] bytes() {
      return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "JwtSecret[***]";
    }
  }

  /**
   * A database given by URL, such as PostgreSQL.
   *
   * @param url the JDBC URL
   * @param user the user, or {@code null}
   * @param password the password, or {@code null}; never shown by {@link #toString()}
   */
  public record Jdbc(String url, String user, String password) {
    /** Checks the URL is there. */
    public Jdbc {
      Objects.requireNonNull(url, "url");
    }

    @Override
    public String toString() {
      return "Jdbc[url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "***") + "]";
    }
  }

  /**
   * This server as one node of a cluster over Redis (docs/cluster.md): the nodes share the Redis and a
   * PostgreSQL database, and each has a node id of its own.
   *
   * @param redis the Redis, {@code redis://HOST:PORT} or {@code rediss://HOST:PORT}, perhaps with a
   *     password ({@code redis://:PASSWORD@HOST:PORT}) and a database ({@code /2}); the password is never
   *     shown by {@link #toString()} or {@link #redisForDisplay()}
   * @param nodeId this node's id, unique among the running nodes: 1 to 32 of {@code A-Z a-z 0-9 _ -}
   */
  public record ClusterNode(URI redis, String nodeId) {
    /** Checks both are there. */
    public ClusterNode {
      Objects.requireNonNull(redis, "redis");
      Objects.requireNonNull(nodeId, "nodeId");
    }

    /** The Redis URI without its user information (a password), to print. */
    public String redisForDisplay() {
      if (redis.getRawUserInfo() == null) {
        return redis.toString();
      }
      try {
        return new URI(redis.getScheme(), null, redis.getHost(), redis.getPort(), redis.getPath(), null, null)
            .toString();
      } catch (URISyntaxException e) {
        return redis.getScheme() + "://" + redis.getHost() + (redis.getPort() < 0 ? "" : ":" + redis.getPort());
      }
    }

    @Override
    public String toString() {
      return "ClusterNode[redis=" + redisForDisplay() + ", nodeId=" + nodeId + "]";
    }
  }

  /**
   * A frame limit past which one message could exhaust the server's memory; the transport also adds
   * headroom to it, which must not overflow an int.
   */
  static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

  private static final Set<String> VALUE_FLAGS = Set.of(
      "--host", "--port", "--data-dir", "--presence-grace-ms", "--hello-timeout-ms", "--rate-limit",
      "--max-frame-bytes", "--max-text-chars", "--allowed-origins", "--jdbc-url", "--jdbc-user",
      "--jdbc-password", "--auth", "--jwt-secret", "--redis", "--node-id");
  /**
   * Flags whose value is a secret: it is the next argument whatever it looks like (a secret may start
   * with {@code --}), so it is never mistaken for a flag and quoted in an error.
   */
  private static final Set<String> SECRET_FLAGS = Set.of("--jdbc-password", "--jwt-secret");
  private static final Set<String> SWITCHES = Set.of("--in-memory", "--help", "-h");

  private static final Pattern RATE = Pattern.compile("(\\d+)/(\\d*)(ms|s|m|h)");
  private static final Pattern ORIGIN = Pattern.compile("(?i)https?://[^/?#\\s]+/?");

  /** Checks the components (the secret is there when the mode needs it) and copies the origins. */
  public ServerOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(auth, "auth");
    allowedOrigins = List.copyOf(allowedOrigins);
    if (auth == Auth.NONE && jwtSecret != null) {
      throw new IllegalArgumentException("a JWT secret needs auth JWT or ACCOUNTS");
    }
    if (auth == Auth.JWT && jwtSecret == null) {
      throw new IllegalArgumentException("auth JWT needs a JWT secret");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0 to 65535: " + port);
    }
    if (cluster != null && (jdbc == null || !isPostgresql(jdbc.url()))) {
      throw new IllegalArgumentException("a cluster node needs a PostgreSQL database shared by the nodes");
    }
  }

  /** The options with no flags given. */
  public static ServerOptions defaults() {
    return new ServerOptions(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_DATA_DIR, false, null, Limits.defaults(),
        List.of(), Auth.NONE, null, null, false);
  }

  /**
   * Parses a command line. Each flag takes its value as the next argument or after {@code =}; a flag
   * given twice, an unknown flag or a value out of range is an error. {@code --help} anywhere wins.
   *
   * @throws UsageException naming the flag and what is wrong with it
   */
  public static ServerOptions parse(String... args) throws UsageException {
    return parse(System.getenv(), args);
  }

  /**
   * Parses a command line, taking the JDBC password from {@code environment}'s {@value
   * #PASSWORD_VARIABLE} when {@code --jdbc-password} is not given, and the JWT secret from {@value
   * #JWT_SECRET_VARIABLE} when {@code --jwt-secret} is not given and {@code --auth} needs one.
   *
   * @throws UsageException naming the flag and what is wrong with it
   */
  public static ServerOptions parse(Map<String, String> environment, String... args) throws UsageException {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        return new ServerOptions(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_DATA_DIR, false, null, Limits.defaults(),
            List.of(), Auth.NONE, null, null, true);
      }
    }
    String jdbcUrl = null;
    String jdbcUser = null;
    String jdbcPassword = null;
    String host = DEFAULT_HOST;
    int port = DEFAULT_PORT;
    Path dataDir = DEFAULT_DATA_DIR;
    boolean inMemory = false;
    Limits limits = Limits.defaults();
    List<String> origins = List.of();
    Auth auth = Auth.NONE;
    String jwtSecret = null;
    String redis = null;
    String nodeId = null;
    Set<String> seen = new HashSet<>();

    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int equals = arg.indexOf('=');
      String flag = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
      String value = arg.startsWith("--") && equals > 0 ? arg.substring(equals + 1) : null;
      if (!arg.startsWith("-")) {
        throw new UsageException("unexpected argument: " + arg + " (every option is a --flag)");
      }
      if (!VALUE_FLAGS.contains(flag) && !SWITCHES.contains(flag)) {
        throw new UsageException("unknown flag: " + flag);
      }
      if (!seen.add(flag)) {
        throw new UsageException(flag + " given twice");
      }
      if (SWITCHES.contains(flag)) {
        if (value != null) {
          throw new UsageException(flag + " takes no value: " + arg);
        }
      } else if (value == null) {
        if (i + 1 >= args.length || (args[i + 1].startsWith("--") && !SECRET_FLAGS.contains(flag))) {
          throw new UsageException(flag + " needs a value");
        }
        value = args[++i];
      }
      if (value != null && value.isBlank()) {
        throw new UsageException(flag + " needs a value");
      }

      switch (flag) {
        case "--host" -> host = value;
        case "--port" -> {
          port = nonNegativeInt(flag, value);
          if (port > 65_535) {
            throw new UsageException("--port must be 0 to 65535: " + value);
          }
        }
        case "--data-dir" -> dataDir = directory(flag, value);
        case "--in-memory" -> inMemory = true;
        case "--presence-grace-ms" -> {
          Duration grace = Duration.ofMillis(nonNegativeLong(flag, value));
          limits = with(limits, flag, value, b -> b.presenceGrace(grace));
        }
        case "--hello-timeout-ms" -> {
          Duration timeout = Duration.ofMillis(nonNegativeLong(flag, value));
          limits = with(limits, flag, value, b -> b.helloTimeout(timeout));
        }
        case "--rate-limit" -> {
          Limits.RateLimit rate = rateLimit(value);
          limits = with(limits, flag, value, b -> b.rateLimit(rate));
        }
        case "--max-frame-bytes" -> {
          int bytes = nonNegativeInt(flag, value);
          if (bytes > MAX_FRAME_BYTES) {
            throw new UsageException("--max-frame-bytes must be at most " + MAX_FRAME_BYTES + ": " + value);
          }
          limits = with(limits, flag, value, b -> b.maxFrameBytes(bytes));
        }
        case "--max-text-chars" -> {
          int chars = nonNegativeInt(flag, value);
          limits = with(limits, flag, value, b -> b.maxTextChars(chars));
        }
        case "--allowed-origins" -> origins = origins(value);
        case "--jdbc-url" -> jdbcUrl = value;
        case "--jdbc-user" -> jdbcUser = value;
        case "--jdbc-password" -> jdbcPassword = value;
        case "--auth" -> auth = auth(value);
        case "--jwt-secret" -> jwtSecret = value;
        case "--redis" -> redis = value;
        case "--node-id" -> nodeId = value;
        default -> throw new AssertionError("flag without a case: " + flag);
      }
    }
    if (inMemory && seen.contains("--data-dir")) {
      throw new UsageException("--in-memory and --data-dir exclude each other: choose one store");
    }
    Jdbc jdbc = null;
    if (jdbcUrl != null) {
      if (inMemory || seen.contains("--data-dir")) {
        throw new UsageException("--jdbc-url excludes --in-memory and --data-dir: choose one store");
      }
      if (!jdbcUrl.startsWith("jdbc:")) {
        throw new UsageException("--jdbc-url must be a JDBC URL such as jdbc:postgresql://HOST/DB");
      }
      if (jdbcPassword == null) {
        jdbcPassword = environment.get(PASSWORD_VARIABLE);
      }
      jdbc = new Jdbc(jdbcUrl, jdbcUser, jdbcPassword);
    } else if (jdbcUser != null || jdbcPassword != null) {
      throw new UsageException("--jdbc-user and --jdbc-password need --jdbc-url");
    }
    ClusterNode cluster = cluster(redis, nodeId, jdbc);
    JwtSecret secret = jwtSecret(auth, jwtSecret, environment, jdbc != null);
    return new ServerOptions(host, port, dataDir, inMemory, jdbc, limits, origins, auth, secret, cluster, false);
  }

  /**
   * {@code --redis} and {@code --node-id}, checked by {@link RedisCluster.Builder}'s own rules: both or
   * neither, and only on PostgreSQL.
   */
  private static ClusterNode cluster(String redis, String nodeId, Jdbc jdbc) throws UsageException {
    if (redis == null) {
      if (nodeId != null) {
        throw new UsageException("--node-id needs --redis: a node id names one node of a cluster");
      }
      return null;
    }
    URI uri;
    try {
      uri = new URI(redis);
      RedisCluster.builder(uri);
    } catch (URISyntaxException | IllegalArgumentException e) {
      // Neither message may quote a password: the builder's redacts it, and a URI that does not parse
      // is not quoted at all.
      throw new UsageException("--redis must be a URI such as redis://127.0.0.1:6379"
          + (e instanceof IllegalArgumentException ? ": " + e.getMessage() : ""));
    }
    if (nodeId == null) {
      throw new UsageException("--redis needs --node-id ID, a name for this node that no other running node"
          + " of the cluster has, such as n1");
    }
    try {
      RedisCluster.builder(uri).nodeId(nodeId);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--node-id must be 1 to 32 of A-Z a-z 0-9 _ -: " + nodeId);
    }
    if (jdbc == null || !isPostgresql(jdbc.url())) {
      throw new UsageException("--redis needs --jdbc-url jdbc:postgresql://...: the nodes of a cluster share"
          + " one PostgreSQL database (SQLite and --in-memory serve one server only)");
    }
    return new ClusterNode(uri, nodeId);
  }

  private static boolean isPostgresql(String jdbcUrl) {
    return jdbcUrl.startsWith("jdbc:postgresql:");
  }

  private static Auth auth(String value) throws UsageException {
    for (Auth auth : Auth.values()) {
      if (auth.flagValue().equals(value)) {
        return auth;
      }
    }
    throw new UsageException("--auth must be none, jwt or accounts: " + value);
  }

  /** The secret the mode needs, from the flag or else the environment; messages never quote it. */
  private static JwtSecret jwtSecret(Auth auth, String flagged, Map<String, String> environment, boolean jdbc)
      throws UsageException {
    if (auth == Auth.NONE) {
      if (flagged != null) {
        throw new UsageException("--jwt-secret needs --auth jwt or --auth accounts: without them no token"
            + " is checked");
      }
      return null; // the environment variable may be set for other runs: ignored here
    }
    String source = "--jwt-secret";
    String secret = flagged;
    if (secret == null) {
      secret = environment.get(JWT_SECRET_VARIABLE);
      source = JWT_SECRET_VARIABLE;
    }
    if (secret == null || secret.isEmpty()) {
      if (auth == Auth.JWT) {
        throw new UsageException("--auth jwt needs the secret the tokens are signed with: --jwt-secret"
            + " SECRET, or better the environment variable " + JWT_SECRET_VARIABLE);
      }
      if (jdbc) {
        throw new UsageException("--auth accounts with --jdbc-url needs --jwt-secret SECRET (or the"
            + " environment variable " + JWT_SECRET_VARIABLE + "): there is no data directory to keep a"
            + " key in");
      }
      return null; // a key in the data directory, or a random one with --in-memory
    }
    int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < MIN_JWT_SECRET_BYTES) {
      throw new UsageException(source + " must be at least " + MIN_JWT_SECRET_BYTES + " bytes long (HS256),"
          + " it has " + bytes);
    }
    return new JwtSecret(secret);
  }

  /**
   * Parses a send rate such as {@code 20/10s}, {@code 5/500ms}, {@code 100/1m} or {@code 3/h} (one
   * hour), or {@code off} for no limit ({@code null}).
   *
   * @throws UsageException for another form, or a rate the server refuses (zero sends or period)
   */
  public static Limits.RateLimit rateLimit(String value) throws UsageException {
    if (value.equalsIgnoreCase("off")) {
      return null;
    }
    Matcher matcher = RATE.matcher(value);
    if (!matcher.matches()) {
      throw new UsageException(
          "--rate-limit must be SENDS/PERIOD such as 20/10s, 5/500ms, 100/1m, or off: " + value);
    }
    try {
      int sends = Integer.parseInt(matcher.group(1));
      long amount = matcher.group(2).isEmpty() ? 1 : Long.parseLong(matcher.group(2));
      Duration per = switch (matcher.group(3)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
      return Limits.RateLimit.of(sends, per);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UsageException("--rate-limit is too large: " + value);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--rate-limit " + value + ": " + e.getMessage());
    }
  }

  /** The usage text that {@code --help} prints. */
  public static String usage() {
    Limits defaults = Limits.defaults();
    return String.join(System.lineSeparator(),
        "Usage: java -jar natter-server.jar [options]",
        "",
        "Runs a Natter chat server: the JSON protocol over WebSocket at ws://HOST:PORT/chat.",
        "Every option is also accepted as --flag=value.",
        "",
        "  --host HOST                address to listen on; 0.0.0.0 for every interface (default "
            + DEFAULT_HOST + ")",
        "  --port PORT                port to listen on, 0 for any free port (default " + DEFAULT_PORT + ")",
        "  --data-dir DIR             where the SQLite history file natter.db is kept, created when",
        "                             missing (default " + DEFAULT_DATA_DIR + ")",
        "  --in-memory                keep history in memory only: lost when the server stops",
        "  --jdbc-url URL             keep history in this database instead, such as",
        "                             jdbc:postgresql://127.0.0.1:5432/natter",
        "  --jdbc-user USER           the database user",
        "  --jdbc-password PASSWORD   the database password; better given in the environment variable",
        "                             " + PASSWORD_VARIABLE + ", which other users cannot read",
        "  --presence-grace-ms MS     how long a dropped user stays in their rooms before the others see",
        "                             them leave (default " + defaults.presenceGrace().toMillis() + ")",
        "  --hello-timeout-ms MS      how long a new connection may take to send hello (default "
            + defaults.helloTimeout().toMillis() + ")",
        "  --rate-limit SENDS/PERIOD  sends per connection, such as 20/10s, 5/500ms, 100/1m; or off",
        "                             (default 20/10s)",
        "  --max-frame-bytes N        largest inbound WebSocket message in UTF-8 bytes (default "
            + defaults.maxFrameBytes() + ")",
        "  --max-text-chars N         longest message text in code points (default "
            + defaults.maxTextChars() + ")",
        "  --allowed-origins LIST     comma-separated browser origins allowed besides the server's own,",
        "                             such as https://chat.example.com (default: none)",
        "  --auth MODE                how clients prove who they are (default none):",
        "                               none: anyone may use any free name",
        "                               jwt: hello needs a JWT (HS256) signed with --jwt-secret, minted",
        "                                    elsewhere",
        "                               accounts: POST /register and POST /login on this port hand out",
        "                                    such tokens (15 minutes); accounts are kept with the history",
        "  --jwt-secret SECRET        the tokens' HS256 secret, at least " + MIN_JWT_SECRET_BYTES
            + " bytes; better given in the",
        "                             environment variable " + JWT_SECRET_VARIABLE + ". Required for --auth jwt;",
        "                             --auth accounts without it keeps a random key in DIR/jwt.key",
        "                             (a new one each run with --in-memory)",
        "  --redis URI                run as one node of a cluster over this Redis, such as",
        "                             redis://127.0.0.1:6379: the nodes share rooms, presence and direct",
        "                             messages. Needs --jdbc-url on PostgreSQL (one database for every",
        "                             node), --node-id, and with --auth jwt or accounts the same",
        "                             --jwt-secret on every node",
        "  --node-id ID               this node's name in the cluster, 1 to 32 of A-Z a-z 0-9 _ -,",
        "                             different on each running node, such as n1; required with --redis",
        "  -h, --help                 print this help and exit",
        "",
        "Prints one line, 'listening on ws://HOST:PORT/chat', when ready. SIGTERM or Ctrl-C shuts down",
        "gracefully: every client is closed with 1001 (going away).",
        "Exit status: 1 when the server cannot start (such as a port in use, or a Redis that cannot be",
        "reached), 2 for a bad command line.",
        "");
  }

  private static Limits with(Limits limits, String flag, String value, UnaryOperator<Limits.Builder> change)
      throws UsageException {
    try {
      return change.apply(limits.toBuilder()).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + " " + value + " is refused: " + e.getMessage());
    }
  }

  private static int nonNegativeInt(String flag, String value) throws UsageException {
    long number = nonNegativeLong(flag, value);
    if (number > Integer.MAX_VALUE) {
      throw new UsageException(flag + " is too large: " + value);
    }
    return (int) number;
  }

  private static long nonNegativeLong(String flag, String value) throws UsageException {
    if (!value.matches("[+-]?\\d+")) {
      throw new UsageException(flag + " needs a whole number: " + value);
    }
    long number;
    try {
      number = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " is too large: " + value);
    }
    if (number < 0) {
      throw new UsageException(flag + " must not be negative: " + value);
    }
    return number;
  }

  private static Path directory(String flag, String value) throws UsageException {
    Path path;
    try {
      path = Path.of(value);
    } catch (InvalidPathException e) {
      throw new UsageException(flag + " is not a valid path: " + e.getMessage());
    }
    if (Files.exists(path) && !Files.isDirectory(path)) {
      throw new UsageException(flag + " is not a directory: " + value);
    }
    return path;
  }

  private static List<String> origins(String value) throws UsageException {
    List<String> origins = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String origin = part.strip();
      if (origin.isEmpty()) {
        continue;
      }
      if (!ORIGIN.matcher(origin).matches()) {
        throw new UsageException("--allowed-origins takes origins such as https://chat.example.com"
            + " (scheme, host and optional port, no path): " + origin);
      }
      origins.add(origin);
    }
    if (origins.isEmpty()) {
      throw new UsageException("--allowed-origins needs at least one origin");
    }
    return List.copyOf(origins);
  }
}
