package dev.natter.examples.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.natter.chat.ChatServer;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.auth.jwt.JwtAuthenticator;
import dev.natter.chat.auth.jwt.JwtIssuer;
import dev.natter.chat.store.jdbc.Account;
import dev.natter.chat.websocket.WebSocketServerTransport;
import dev.natter.examples.testing.AccountsClient;
import dev.natter.examples.testing.AccountsClient.Reply;
import dev.natter.examples.testing.JsonSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The account routes in process, over a real WebSocket transport on a free port: JSON over HTTP/1.1 with
 * the JDK's client, then the tokens they hand out on the chat socket.
 */
class AccountRoutesTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String WRONG_NAME_OR_PASSWORD = "{\"error\":\"wrong name or password\"}";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final byte[] secret = JwtKeyFile.randomKey();
  private final List<JsonSocket> sockets = new ArrayList<>();
  private AccountStore store = AccountStore.inMemory();
  private ChatServer server;
  private URI chat;
  private AccountsClient client;

  @BeforeEach
  void startServer() throws Exception {
    start(store);
  }

  @AfterEach
  void stopServer() {
    sockets.forEach(JsonSocket::abort);
    server.close();
  }

  @Test
  void registerAnswers201WithAFifteenMinuteTokenForTheLowerCaseId() {
    Reply reply = client.register("Alice", PASSWORD);

    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.contentType()).startsWith("application/json");
    JsonNode body = reply.json();
    assertThat(body.path("user").path("id").asText()).isEqualTo("alice");
    assertThat(body.path("user").path("name").asText()).isEqualTo("Alice");
    JsonNode claims = claims(reply.token());
    assertThat(claims.path("sub").asText()).isEqualTo("alice");
    assertThat(claims.path("name").asText()).isEqualTo("Alice");
    assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(15 * 60);
    assertThat(reply.body()).doesNotContain(PASSWORD, "pbkdf2");
  }

  @Test
  void theStoredAccountHoldsAHashNotThePassword() {
    client.register("Alice", PASSWORD);

    Account stored = store.find("alice").orElseThrow();
    assertThat(stored.passwordHash()).startsWith("pbkdf2-sha256$1000$").doesNotContain(PASSWORD);
    assertThat(new PasswordHasher(1_000).verify(PASSWORD, stored.passwordHash())).isTrue();
  }

  @Test
  void loginAnswers200WithATokenInAnyCaseOfTheName() {
    client.register("Alice", PASSWORD);

    for (String name : List.of("Alice", "alice", "ALICE")) {
      Reply reply = client.login(name, PASSWORD);
      assertThat(reply.status()).as(name).isEqualTo(200);
      assertThat(reply.json().path("user").path("name").asText()).isEqualTo("Alice");
      assertThat(claims(reply.token()).path("sub").asText()).isEqualTo("alice");
    }
  }

  @Test
  void aWrongPasswordAndAnUnknownNameGetTheSame401() {
    client.register("Alice", PASSWORD);

    Reply wrongPassword = client.login("alice", "correct horse battery stapler");
    Reply unknownName = client.login("bob", PASSWORD);
    Reply impossibleName = client.login(" not a name ", PASSWORD);
    Reply emptyPassword = client.login("alice", "");

    for (Reply reply : List.of(wrongPassword, unknownName, impossibleName, emptyPassword)) {
      assertThat(reply.status()).isEqualTo(401);
      assertThat(reply.body()).isEqualTo(WRONG_NAME_OR_PASSWORD);
      assertThat(reply.contentType()).isEqualTo(wrongPassword.contentType());
    }
  }

  @Test
  void aTakenNameIsRefusedWith409WhateverItsCase() {
    assertThat(client.register("Alice", PASSWORD).status()).isEqualTo(201);

    for (String name : List.of("Alice", "alice", "ALICE", "system", "System")) {
      Reply again = client.register(name, "another password");
      assertThat(again.status()).as(name).isEqualTo(409);
      assertThat(again.body()).isEqualTo("{\"error\":\"name_taken\"}");
    }
    assertThat(client.login("alice", PASSWORD).status()).as("the first password still works").isEqualTo(200);
    assertThat(client.login("alice", "another password").status()).isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "[]", "\"name\"", "null", "{\"name\":\"alice\"}", "{\"password\":\"12345678\"}",
      "{\"name\":1,\"password\":\"12345678\"}", "{\"name\":\"alice\",\"password\":null}",
      "{\"name\":\"alice\",\"password\":\"12345678\"} {}",
      "{\"name\":\"alice\",\"name\":\"bob\",\"password\":\"12345678\"}"})
  void aBodyThatIsNotAnObjectWithStringsNameAndPasswordIs400(String body) {
    for (String path : List.of("/register", "/login")) {
      Reply reply = client.post(path, "application/json", body);
      assertThat(reply.status()).as("%s %s", path, body).isEqualTo(400);
      assertThat(reply.json().path("error").asText()).isEqualTo("bad_request");
      assertThat(reply.body()).doesNotContain("12345678");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
      "application/jsonp", "application/json; charset=iso-8859-1", ""})
  void aBodyOfAnotherTypeIs415(String contentType) {
    String body = AccountsClient.credentials("alice", PASSWORD);
    for (String path : List.of("/register", "/login")) {
      Reply reply = client.post(path, contentType.isEmpty() ? null : contentType, body);
      assertThat(reply.status()).as("%s with %s", path, contentType).isEqualTo(415);
      assertThat(reply.json().path("error").asText()).isEqualTo("unsupported_media_type");
    }
    assertThat(store.find("alice")).as("nothing registered").isEmpty();
  }

  @Test
  void jsonWithACharsetParameterIsJsonToo() {
    Reply reply = client.post("/register", "Application/JSON; charset=UTF-8",
        AccountsClient.credentials("alice", PASSWORD));

    assertThat(reply.status()).isEqualTo(201);
  }

  @Test
  void namesFollowTheChatsRulesAndPasswordsAreEightTo1024Characters() {
    assertThat(client.register(" alice", PASSWORD).json().path("error").asText()).isEqualTo("invalid_name");
    assertThat(client.register("al:ce", PASSWORD).status()).isEqualTo(400);
    assertThat(client.register("x".repeat(33), PASSWORD).status()).isEqualTo(400);
    assertThat(client.register("", PASSWORD).status()).isEqualTo(400);

    Reply short7 = client.register("bob", "1234567");
    assertThat(short7.status()).isEqualTo(400);
    assertThat(short7.json().path("error").asText()).isEqualTo("invalid_password");
    assertThat(short7.body()).doesNotContain("1234567");
    assertThat(client.register("bob", "p".repeat(1025)).status()).isEqualTo(400);
    // Code points: eight emoji are eight characters, though sixteen chars in Java.
    assertThat(client.register("carol", "\ud83d\udd11".repeat(7)).status()).isEqualTo(400);
    assertThat(client.register("carol", "\ud83d\udd11".repeat(8)).status()).isEqualTo(201);
    assertThat(client.register("bob", "12345678").status()).isEqualTo(201);
    assertThat(client.register("dave", "p".repeat(1024)).status()).isEqualTo(201);
    assertThat(client.login("dave", "p".repeat(1024)).status()).isEqualTo(200);
  }

  @Test
  void theTokenFromLoginIsAcceptedInHelloAndWinsOverTheName() throws Exception {
    client.register("Alice", PASSWORD);
    client.register("Bob", PASSWORD);
    String aliceToken = client.login("alice", PASSWORD).token();
    String bobToken = client.login("bob", PASSWORD).token();

    JsonSocket alice = connect(Map.of());
    alice.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"name\":\"mallory\",\"token\":\"" + aliceToken + "\"}");
    assertThat(alice.next("welcome")).contains("\"id\":\"alice\"", "\"name\":\"Alice\"").doesNotContain("mallory");
    JsonSocket bob = connect(Map.of());
    bob.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"token\":\"" + bobToken + "\"}");
    bob.next("welcome");
    alice.send("{\"type\":\"join\",\"id\":\"2\",\"room\":\"general\"}");
    alice.next("joined");
    bob.send("{\"type\":\"join\",\"id\":\"2\",\"room\":\"general\"}");
    bob.next("joined");

    alice.send("{\"type\":\"send\",\"id\":\"3\",\"room\":\"general\",\"text\":\"hi bob\"}");

    assertThat(bob.next("message")).contains("\"text\":\"hi bob\"", "\"id\":\"alice\"");
  }

  @Test
  void theTokenIsAcceptedAsABearerHeaderOnTheHandshake() throws Exception {
    client.register("Alice", PASSWORD);
    String token = client.login("alice", PASSWORD).token();

    JsonSocket alice = connect(Map.of("Authorization", "Bearer " + token));
    alice.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1}");

    assertThat(alice.next("welcome")).contains("\"id\":\"alice\"", "\"name\":\"Alice\"");
  }

  @Test
  void aBadTokenIsRefusedWithAuthFailedAndClose4001() throws Exception {
    String foreign = JwtIssuer.hs256(JwtKeyFile.randomKey()).build().issue(new dev.natter.chat.User("alice", "Alice"));
    String tampered = tamper(client.register("Alice", PASSWORD).token());

    for (String token : List.of("not-a-jwt", foreign, tampered)) {
      JsonSocket socket = connect(Map.of());
      socket.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"token\":\"" + token + "\"}");

      String error = socket.next("error");
      assertThat(error).contains("\"code\":\"auth_failed\"").doesNotContain(token);
      assertThat(socket.awaitCloseCode()).isEqualTo(4001);
    }
  }

  @Test
  void withoutATokenTheChatRefusesANameAlone() throws Exception {
    JsonSocket socket = connect(Map.of());
    socket.send("{\"type\":\"hello\",\"id\":\"1\",\"v\":1,\"name\":\"alice\"}");

    assertThat(socket.next("error")).contains("\"code\":\"auth_failed\"");
    assertThat(socket.awaitCloseCode()).isEqualTo(4001);
  }

  @Test
  void aFailingStoreIsAnswered500WithoutDetails() throws Exception {
    server.close();
    start(new AccountStore() {
      @Override
      public Optional<Account> find(String userId) {
        throw ChatStatus.of(ChatStatus.Code.INTERNAL, "history store could not read").asException();
      }

      @Override
      public boolean create(Account account) {
        throw ChatStatus.of(ChatStatus.Code.INTERNAL, "history store could not store").asException();
      }
    });

    for (Reply reply : List.of(client.register("alice", PASSWORD), client.login("alice", PASSWORD))) {
      assertThat(reply.status()).isEqualTo(500);
      assertThat(reply.json().path("error").asText()).isEqualTo("internal");
      assertThat(reply.body()).doesNotContain("history store", PASSWORD);
    }
  }

  private void start(AccountStore accounts) throws Exception {
    store = accounts;
    JwtIssuer issuer = JwtIssuer.hs256(secret).lifetime(AccountRoutes.TOKEN_LIFETIME).build();
    AccountRoutes routes = new AccountRoutes(accounts, new PasswordHasher(1_000), issuer, Clock.systemUTC());
    WebSocketServerTransport transport = routes.addTo(WebSocketServerTransport.forAddress("127.0.0.1", 0)).build();
    server = ChatServer.builder(transport).authenticator(JwtAuthenticator.hs256(secret).build()).build().start();
    chat = transport.uri();
    client = AccountsClient.forChat(chat);
  }

  private JsonSocket connect(Map<String, String> headers) {
    JsonSocket socket = JsonSocket.connect(chat, headers);
    sockets.add(socket);
    return socket;
  }

  private static JsonNode claims(String token) {
    String[] parts = token.split("\\.");
    assertThat(parts).as("a compact JWS").hasSize(3);
    try {
      return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The token with its payload's {@code sub} changed to another user: the signature no longer fits. */
  private static String tamper(String token) {
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("\"sub\":\"alice\"", "\"sub\":\"admin\"");
    assertThat(payload).contains("\"sub\":\"admin\"");
    return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
        payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
  }
}
