package dev.natter.chat.inmemory.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatException;
import dev.natter.chat.ChatServer;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.Limits;
import dev.natter.chat.inmemory.InMemoryServerTransport;
import dev.natter.chat.testing.RecordingListener;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChatTestKitTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void closingTheKitClosesItsServersAndClients() {
    RecordingListener alice = new RecordingListener();
    ChatServer server;
    try (ChatTestKit kit = ChatTestKit.create()) {
      server = kit.startServer();
      kit.connect("alice", alice).join("general").join();
      assertThat(InMemoryServerTransport.runningNames()).contains(kit.serverName());
    }
    assertThat(alice.takeDisconnect(TIMEOUT).code()).isEqualTo(1000);
    assertThat(server.isTerminated()).isTrue();
  }

  @Test
  void aClientTheTestLeftOpenFailsTheCheck() {
    ChatTestKit kit = ChatTestKit.create();
    kit.startServer();
    ChatClient untracked = ChatClient.builder(kit.clientTransport()).name("forgotten").build();
    untracked.connect().join();
    assertThatThrownBy(kit::close)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("1 connection(s)");
    untracked.close();
  }

  @Test
  void aServerStartedOutsideTheKitAndLeftRunningFailsTheCheck() throws Exception {
    ChatTestKit kit = ChatTestKit.create();
    String name = InMemoryServerTransport.generateName();
    ChatServer stray = ChatServer.builder(InMemoryServerTransport.forName(name)).build().start();
    try {
      assertThatThrownBy(kit::close)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("left running")
          .hasMessageContaining(name);
    } finally {
      stray.close();
    }
  }

  @Test
  void connectReportsTheServersRefusal() {
    try (ChatTestKit kit = ChatTestKit.create()) {
      kit.startServer(b -> b.limits(Limits.defaults()));
      kit.connect("alice");
      assertThatThrownBy(() -> kit.connect("Alice"))
          .isInstanceOfSatisfying(ChatException.class,
              e -> assertThat(e.code()).isEqualTo(ChatStatus.Code.NAME_TAKEN));
    }
  }

  @Test
  void aServerCanBeRestartedUnderTheSameName() {
    try (ChatTestKit kit = ChatTestKit.create()) {
      ChatServer first = kit.startServer();
      String name = kit.serverName();
      first.close();
      kit.startServer(name, b -> {});
      assertThat(kit.connect("alice").welcome().user().id()).isEqualTo("alice");
    }
  }
}
