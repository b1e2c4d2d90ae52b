package dev.natter.examples.server.accounts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.natter.chat.ChatException;
import dev.natter.chat.User;
import dev.natter.chat.auth.jwt.JwtIssuer;
import dev.natter.chat.store.jdbc.Account;
import dev.natter.chat.websocket.HttpCall;
import dev.natter.chat.websocket.HttpReply;
import dev.natter.chat.websocket.WebSocketServerTransport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /register} and {@code POST /login} on the chat port: accounts with a name and a password,
 * and a short-lived JWT that the chat accepts in {@code hello} (or as {@code Authorization: Bearer}).
 *
 * <pre>
 * POST /register   Content-Type: application/json   {"name": "Alice", "password": "correct horse"}
 *   201 {"token": "eyJ...", "user": {"id": "alice", "name": "Alice"}}
 *   409 {"error": "name_taken"}
 * POST /login      Content-Type: application/json   {"name": "alice", "password": "correct horse"}
 *   200 {"token": "eyJ...", "user": {"id": "alice", "name": "Alice"}}
 *   401 {"error": "wrong name or password"}
 * </pre>
 *
 * <ul>
 *   <li><b>Names</b> follow the chat's user name rules ({@link User#isValidName}); the user id is the name
 *       in lower case, as for anonymous names, so names are unique regardless of case and log in in any
 *       case. The id {@code system} is the server's own and counts as taken.
 *   <li><b>Passwords</b> are {@value #MIN_PASSWORD_CHARS} to {@value #MAX_PASSWORD_CHARS} characters
 *       (code points), stored only as a {@link PasswordHasher} hash.
 *   <li><b>Login</b> answers a wrong password, an unknown name and an impossible name with the same 401
 *       and body, and after the same work: for a name without an account, a dummy hash made at start-up
 *       is checked instead, with the same iteration count.
 *   <li><b>Tokens</b> come from the {@link JwtIssuer} (HS256; {@link #TOKEN_LIFETIME} by default) and
 *       name the user by {@code sub} (the id) and {@code name}.
 *   <li><b>Requests</b> must be {@code Content-Type: application/json} (else 415: a form of another site
 *       cannot post here, and cross-origin scripts would need a pre-flight the server does not grant);
 *       the body a JSON object with string {@code name} and {@code password} (else 400). The transport
 *       refuses foreign origins (403) and bodies over 16 KiB (413) before this.
 *   <li>Other errors: 400 {@code {"error": "bad_request" | "invalid_name" | "invalid_password", "message":
 *       "..."}}, 415 {@code {"error": "unsupported_media_type", ...}}, 500 {@code {"error": "internal"}}
 *       when the account store fails.
 * </ul>
 *
 * <p>Nothing here logs or answers with a password, a hash or a token; registrations are logged with the
 * user id, failed logins at {@code DEBUG} with the peer's address only. Hashing is slow on purpose
 * (a fraction of a second), and runs on the transport's worker thread. Thread-safe.
 */
public final class AccountRoutes {
  /** How long a token from {@code /register} or {@code /login} is valid. */
  public static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);
  /** The shortest password, in code points. */
  public static final int MIN_PASSWORD_CHARS = 8;
  /** The longest password, in code points. */
  public static final int MAX_PASSWORD_CHARS = 1024;

  private static final System.Logger LOG = System.getLogger(AccountRoutes.class.getName());
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final String WRONG_NAME_OR_PASSWORD = "wrong name or password";

  private final AccountStore accounts;
  private final PasswordHasher hasher;
  private final JwtIssuer issuer;
  private final Clock clock;
  private final String dummyHash;

  /**
   * Routes over these accounts. Makes the dummy hash of unknown names now, which takes as long as one
   * hash.
   *
   * @param issuer mints the tokens; {@code JwtIssuer.hs256(secret).lifetime(TOKEN_LIFETIME).build()}
   *     with the secret the chat's {@code JwtAuthenticator} checks
   * @param clock when accounts are created
   */
  public AccountRoutes(AccountStore accounts, PasswordHasher hasher, JwtIssuer issuer, Clock clock) {
    this.accounts = Objects.requireNonNull(accounts, "accounts");
    this.hasher = Objects.requireNonNull(hasher, "hasher");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.clock = Objects.requireNonNull(clock, "clock");
    byte[] random = JwtKeyFile.randomKey();
    this.dummyHash = hasher.hash(Base64.getEncoder().encodeToString(random));
  }

  /** Adds {@code POST /register} and {@code POST /login} to a transport being built; returns it. */
  public WebSocketServerTransport.Builder addTo(WebSocketServerTransport.Builder transport) {
    return transport.route("POST", "/register", this::register).route("POST", "/login", this::login);
  }

  /** Answers {@code POST /register}. */
  public HttpReply register(HttpCall call) {
    Credentials credentials;
    try {
      credentials = Credentials.of(call);
    } catch (Refusal refusal) {
      return refusal.reply;
    }
    User user;
    try {
      user = User.anonymous(credentials.name);
    } catch (ChatException e) {
      return error(400, "invalid_name", "a name is 1 to 32 letters, digits, spaces, '_', '-' or '.',"
          + " not starting or ending with a space");
    }
    if (user.id().equals(User.SYSTEM.id())) {
      return HttpReply.json(409, "{\"error\":\"name_taken\"}");
    }
    int length = credentials.password.codePointCount(0, credentials.password.length());
    if (length < MIN_PASSWORD_CHARS || length > MAX_PASSWORD_CHARS) {
      return error(400, "invalid_password",
          "a password is " + MIN_PASSWORD_CHARS + " to " + MAX_PASSWORD_CHARS + " characters");
    }
    String hash = hasher.hash(credentials.password);
    boolean created;
    try {
      created = accounts.create(new Account(user, hash, clock.instant()));
    } catch (ChatException e) {
      return storeFailed("register", call);
    }
    if (!created) {
      return HttpReply.json(409, "{\"error\":\"name_taken\"}");
    }
    LOG.log(Level.INFO, () -> "registered the account " + user.id() + " from " + call.remoteAddress());
    return signedIn(201, user);
  }

  /** Answers {@code POST /login}. */
  public HttpReply login(HttpCall call) {
    Credentials credentials;
    try {
      credentials = Credentials.of(call);
    } catch (Refusal refusal) {
      return refusal.reply;
    }
    Optional<Account> account;
    try {
      account = User.isValidName(credentials.name)
          ? accounts.find(credentials.name.toLowerCase(Locale.ROOT))
          : Optional.empty();
    } catch (ChatException e) {
      return storeFailed("login", call);
    }
    // The same work whether or not the account exists: one hash check, against a dummy when there is
    // none, so neither the answer nor its time says which names have accounts.
    boolean matches = hasher.verify(credentials.password, account.map(Account::passwordHash).orElse(dummyHash));
    if (account.isEmpty() || !matches) {
      LOG.log(Level.DEBUG, () -> "a login from " + call.remoteAddress() + " failed");
      return error(401, WRONG_NAME_OR_PASSWORD, null);
    }
    return signedIn(200, account.get().user());
  }

  @Override
  public String toString() {
    return "AccountRoutes[" + accounts + ", " + hasher + ", " + issuer + "]";
  }

  private HttpReply signedIn(int status, User user) {
    ObjectNode body = JSON.createObjectNode();
    body.put("token", issuer.issue(user));
    ObjectNode shown = body.putObject("user");
    shown.put("id", user.id());
    shown.put("name", user.name());
    return HttpReply.json(status, body.toString());
  }

  private static HttpReply storeFailed(String what, HttpCall call) {
    // The store logged the details; only that it failed here, and for whom it failed.
    LOG.log(Level.WARNING, () -> "the account store failed during a " + what + " from " + call.remoteAddress());
    return error(500, "internal", "the server could not complete the request; try again later");
  }

  private static HttpReply error(int status, String error, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", error);
    if (message != null) {
      body.put("message", message);
    }
    return HttpReply.json(status, body.toString());
  }

  /** A request answered before it reaches the accounts. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient HttpReply reply;

    Refusal(HttpReply reply) {
      super(null, null, false, false);
      this.reply = reply;
    }
  }

  /** A request's name and password. The password is a secret: never shown by {@link #toString()}. */
  private static final class Credentials {
    final String name;
    final String password;

    private Credentials(String name, String password) {
      this.name = name;
      this.password = password;
    }

    static Credentials of(HttpCall call) throws Refusal {
      if (!isJson(call.header("content-type"))) {
        throw new Refusal(error(415, "unsupported_media_type",
            "send the body as JSON, with Content-Type: application/json"));
      }
      JsonNode body;
      try {
        body = JSON.readTree(call.body());
      } catch (JsonProcessingException e) {
        // Not the parser's message: it may quote the body, password and all.
        throw new Refusal(error(400, "bad_request", "the body is not valid JSON"));
      } catch (IOException e) {
        throw new Refusal(error(400, "bad_request", "the body could not be read"));
      }
      if (body == null || !body.isObject()) {
        throw new Refusal(error(400, "bad_request", "the body must be a JSON object"));
      }
      JsonNode name = body.get("name");
      JsonNode password = body.get("password");
      if (name == null || !name.isTextual() || password == null || !password.isTextual()) {
        throw new Refusal(error(400, "bad_request", "the body needs a string \"name\" and a string \"password\""));
      }
      return new Credentials(name.textValue(), password.textValue());
    }

    /** {@code application/json}, any case, with at most a UTF-8 charset parameter. */
    private static boolean isJson(String contentType) {
      if (contentType == null) {
        return false;
      }
      String[] parts = contentType.split(";");
      if (!parts[0].strip().equalsIgnoreCase("application/json")) {
        return false;
      }
      for (int i = 1; i < parts.length; i++) {
        String parameter = parts[i].strip().toLowerCase(Locale.ROOT).replace(" ", "");
        if (!parameter.isEmpty() && !parameter.equals("charset=utf-8") && !parameter.equals("charset=\"utf-8\"")) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return "Credentials[name=" + name + ", password=***]";
    }
  }
}
