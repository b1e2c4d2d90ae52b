package dev.natter.chat.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatException;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatServerListener;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.Presence;
import dev.natter.chat.RoomInfo;
import dev.natter.chat.User;
import dev.natter.chat.inmemory.testing.ChatTestKit;
import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.testing.RecordingListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client's own contract: fail fast when it cannot ask, time out, and the server-side API. */
class ChatClientTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @RegisterExtension final ChatTestKit chat = ChatTestKit.create();

  @Test
  void requestsBeforeConnectFailAtOnceAsUnavailable() {
    chat.startServer();
    ChatClient client = chat.track(ChatClient.builder(chat.clientTransport()).name("alice").build());
    assertCode(client.join("general"), Code.UNAVAILABLE);
  }

  @Test
  void requestsAfterCloseFailAtOnceAsUnavailable() {
    chat.startServer();
    ChatClient client = chat.connect("alice");
    client.close();
    client.close();
    assertCode(client.send("general", "hi"), Code.UNAVAILABLE);
    assertThatThrownBy(() -> client.connect().join()).hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void connectingToNoServerFailsAsUnavailable() {
    ChatClient client = chat.track(
        ChatClient.builder(InMemoryClientTransport.forName("no-such-server")).name("alice").build());
    assertCode(client.connect(), Code.UNAVAILABLE);
  }

  @Test
  void aRequestWithoutAnAnswerTimesOut() {
    chat.startServer();
    // A transport that swallows every frame after hello: the server never sees the join.
    ClientTransport real = chat.clientTransport();
    ClientTransport swallowing = listener -> real.connect(listener).thenApply(connection ->
        new ClientConnection() {
          @Override
          public void send(ClientFrame frame) {
            if (frame instanceof ClientFrame.Hello) {
              connection.send(frame);
            }
          }

          @Override
          public void close(int code, String reason) {
            connection.close(code, reason);
          }
        });
    ChatClient client = chat.connect(
        ChatClient.builder(swallowing).name("alice").requestTimeout(Duration.ofMillis(200)));
    ChatException timedOut = refusal(client.join("general"));
    assertThat(timedOut.code()).isEqualTo(Code.UNAVAILABLE);
    assertThat(timedOut.getMessage()).contains("no answer within");
  }

  @Test
  void pendingRequestsFailWhenTheConnectionCloses() {
    var server = chat.startServer();
    ChatClient client = chat.connect("alice");
    RecordingListener events = new RecordingListener();
    ChatClient bob = chat.connect("bob", events);
    server.close();
    assertThat(events.takeDisconnect(TIMEOUT).code()).isEqualTo(1001);
    assertCode(bob.rooms(), Code.UNAVAILABLE);
    assertCode(client.rooms(), Code.UNAVAILABLE);
  }

  @Test
  void aClientWithNeitherNameNorTokenIsRefusedByAnAnonymousServer() {
    chat.startServer();
    ChatClient nobody = chat.track(ChatClient.builder(chat.clientTransport()).build());

    assertCode(nobody.connect(), Code.BAD_REQUEST);
  }

  @Test
  void theServerPostsAsTheSystemUserAndObservesEverything() throws Exception {
    List<ChatMessage> observed = new CopyOnWriteArrayList<>();
    List<Presence> presence = new CopyOnWriteArrayList<>();
    var server = chat.startServer(b -> b.listener(new ChatServerListener() {
      @Override
      public void onMessage(ChatMessage message) {
        observed.add(message);
      }

      @Override
      public void onPresence(Presence event) {
        presence.add(event);
      }
    }));
    RecordingListener alice = new RecordingListener();
    ChatClient aliceClient = chat.connect("alice", alice);
    aliceClient.join("general").join();

    ChatMessage posted = server.post("general", "maintenance at noon").get(5, TimeUnit.SECONDS);
    assertThat(posted.from()).isEqualTo(User.SYSTEM);
    assertThat(alice.takeMessage(TIMEOUT)).isEqualTo(posted);
    assertThat(observed).containsExactly(posted);
    assertThat(presence).containsExactly(Presence.join("general", new User("alice", "alice")));
    assertThat(server.rooms()).containsExactly(new RoomInfo("general", 1));
    assertThat(server.members("general")).containsExactly(new User("alice", "alice"));
    assertThat(server.members("nowhere")).isEmpty();
    assertThat(server.onlineUsers()).containsExactly(new User("alice", "alice"));
    assertCode(server.post("bad room", "x"), Code.INVALID_NAME);
    assertCode(server.post("general", "  "), Code.BAD_REQUEST);
    assertThatThrownBy(() -> chat.connect("System"))
        .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(Code.NAME_TAKEN));
  }

  @Test
  void aClientListenerThatThrowsDoesNotBreakTheConnection() {
    chat.startServer();
    RecordingListener recorded = new RecordingListener();
    ChatClient alice = chat.connect("alice", new RecordingListener() {
      @Override
      public void onMessage(ChatMessage message) {
        recorded.onMessage(message);
        throw new IllegalStateException("a bug in the app");
      }
    });
    alice.join("general").join();
    alice.send("general", "one").join();
    alice.send("general", "two").join();
    assertThat(recorded.takeMessages(2, TIMEOUT)).extracting(ChatMessage::text).containsExactly("one", "two");
  }

  @Test
  void aFailedConnectEndsTheClient() {
    chat.startServer();
    chat.connect("alice");
    ChatClient impostor = chat.track(ChatClient.builder(chat.clientTransport()).name("alice").build());
    assertCode(impostor.connect(), Code.NAME_TAKEN);
    assertCode(impostor.rooms(), Code.UNAVAILABLE);
  }

  private static void assertCode(CompletableFuture<?> future, Code code) {
    assertThat(refusal(future).code()).isEqualTo(code);
  }

  private static ChatException refusal(CompletableFuture<?> future) {
    try {
      future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ChatException.class);
      return (ChatException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError("expected a ChatException, got " + e, e);
    }
    throw new AssertionError("expected the request to fail");
  }
}
