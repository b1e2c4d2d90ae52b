package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerFrame;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The moment a {@code welcome} is made: it lists the user's direct conversations, read from the store,
 * while other users go on writing. A direct message stored right after that read still reaches the
 * client, after the welcome; a failed read refuses the hello and closes with 1011.
 */
class WelcomeWindowTest extends EngineTestSupport {
  private final HistoryStore delegate = HistoryStore.inMemory();
  private volatile Runnable afterDirectsRead = () -> {};
  private volatile boolean failDirectsRead;

  @Override
  HistoryStore store() {
    return (HistoryStore) Proxy.newProxyInstance(HistoryStore.class.getClassLoader(),
        new Class<?>[] {HistoryStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("directConversations") && failDirectsRead) {
            throw new IllegalStateException("the store is down");
          }
          Object result;
          try {
            result = method.invoke(delegate, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("directConversations")) {
            Runnable hook = afterDirectsRead;
            afterDirectsRead = () -> {};
            hook.run();
          }
          return result;
        });
  }

  @Test
  void aDirectMessageStoredJustAfterTheWelcomeReadTheListArrivesLiveAfterTheWelcome() {
    start();
    FakeConnection bob = login("bob");
    knownButOffline("alice");
    afterDirectsRead = () -> sendTo(bob, "alice", "in the window");

    FakeConnection alice = connect("alice again");
    ServerFrame.Welcome welcome = hello(alice, "alice");

    assertThat(welcome.directs()).extracting(DirectConversation::room).doesNotContain("dm:alice:bob");
    ChatMessage live = nextMessage(alice);
    assertThat(live.text()).isEqualTo("in the window");
  }

  /** A user the server has seen, whose session ended: direct messages to them are stored. */
  private void knownButOffline(String name) {
    login(name).clientClose(1000);
    long deadline = System.nanoTime() + FakeConnection.TIMEOUT.toNanos();
    while (server.onlineUsers().stream().anyMatch(user -> user.name().equals(name))) {
      assertThat(System.nanoTime()).as(name + " goes offline").isLessThan(deadline);
      Thread.onSpinWait(); // polling a condition, with a deadline
    }
  }

  @Test
  void aFailedReadOfTheDirectConversationsRefusesTheHelloAndCloses1011() {
    start();
    failDirectsRead = true;
    FakeConnection alice = connect("alice");

    expectError(alice, new ClientFrame.Hello(id("hello"), 1, "alice", null, null), Code.INTERNAL);

    assertThat(alice.awaitClose().code()).isEqualTo(1011);
  }

  @Test
  void framesHeldForTheWelcomeKeepTheirOrder() {
    start();
    FakeConnection bob = login("bob");
    knownButOffline("alice");
    afterDirectsRead = () -> {
      for (int i = 1; i <= 3; i++) {
        sendTo(bob, "alice", "m" + i);
      }
    };

    FakeConnection alice = connect("alice again");
    hello(alice, "alice");

    assertThat(List.of(nextMessage(alice), nextMessage(alice), nextMessage(alice)))
        .extracting(ChatMessage::text).containsExactly("m1", "m2", "m3");
  }
}
