package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.Authenticator;
import dev.natter.chat.ChatServer;
import dev.natter.chat.User;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

/**
 * Credentials in the handshake reach the authenticator, and no log line, even with Tyrus and Grizzly
 * logging everything, shows them.
 */
class CredentialLoggingTest {
  private static final String TOKEN = "secret-token-4711";
  private static final String COOKIE = "sid=cookie-secret-0815";

  @Test
  void credentialHeadersReachTheAuthenticatorAndNoLog() throws Exception {
    List<String> logged = new CopyOnWriteArrayList<>();
    Logger glassfish = Logger.getLogger("org.glassfish");
    Logger root = Logger.getLogger("");
    Level before = glassfish.getLevel();
    SimpleFormatter formatter = new SimpleFormatter();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(formatter.format(record));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    capture.setLevel(Level.ALL);
    glassfish.setLevel(Level.ALL);
    root.addHandler(capture);
    List<String> seenByAuthenticator = new CopyOnWriteArrayList<>();
    CountDownLatch authenticated = new CountDownLatch(1);
    Authenticator authenticator = request -> {
      seenByAuthenticator.add(request.handshake().header("authorization"));
      seenByAuthenticator.add(request.handshake().header("cookie"));
      seenByAuthenticator.add(request.handshake().header("x-natter-credential-ticket"));
      authenticated.countDown();
      return User.anonymous(request.name());
    };
    WebSocketServerTransport transport = WebSocketServerTransport.forPort(0).build();
    try (ChatServer server = ChatServer.builder(transport).authenticator(authenticator).build().start()) {
      assertThat(server.isShutdown()).isFalse();
      WebSocket socket = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
          .newWebSocketBuilder()
          .header("Authorization", "Bearer " + TOKEN)
          .header("Cookie", COOKIE)
          .buildAsync(transport.uri(), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
              webSocket.request(1);
              return null;
            }
          })
          .get(10, TimeUnit.SECONDS);
      socket.sendText("{\"type\":\"hello\",\"id\":\"1\",\"name\":\"alice\"}", true).get(10, TimeUnit.SECONDS);
      assertThat(authenticated.await(10, TimeUnit.SECONDS)).as("hello reached the authenticator").isTrue();
      socket.abort();
    } finally {
      root.removeHandler(capture);
      glassfish.setLevel(before);
    }

    assertThat(seenByAuthenticator).containsExactly("Bearer " + TOKEN, COOKIE, null);
    assertThat(logged).as("the capture saw Tyrus's and Grizzly's debug lines").isNotEmpty();
    assertThat(String.join("\n", logged)).doesNotContain(TOKEN).doesNotContain("cookie-secret");
  }
}
