package dev.natter.chat.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatException;
import dev.natter.chat.ChatServer;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.SendReceipt;
import dev.natter.chat.inmemory.testing.ChatTestKit;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server's builder settings and lifecycle. */
class ChatServerTest {
  @RegisterExtension final ChatTestKit chat = ChatTestKit.create();

  @Test
  void messagesAreStampedWithTheServersClock() {
    Instant noon = Instant.parse("2026-11-22T12:00:00Z");
    chat.startServer(b -> b.clock(Clock.fixed(noon, ZoneOffset.UTC)));
    ChatClient alice = chat.connect("alice");
    alice.join("general").join();
    SendReceipt receipt = alice.send("general", "what time is it?").join();
    assertThat(receipt.ts()).isEqualTo(noon);
  }

  @Test
  void anExecutorGivenToTheServerIsNotShutDownByIt() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      ChatServer server = chat.startServer(b -> b.executor(pool));
      ChatClient alice = chat.connect("alice");
      alice.join("general").join();
      alice.close();
      server.close();
      assertThat(server.isTerminated()).isTrue();
      assertThat(pool.isShutdown()).isFalse();
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aServerStartsOnceAndCloseIsIdempotent() throws IOException {
    ChatServer server = chat.startServer();
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    server.close();
    server.close();
    assertThat(server.isShutdown()).isTrue();
    assertThat(server.isTerminated()).isTrue();
    assertThatThrownBy(() -> server.post("general", "anyone?").join())
        .hasCauseInstanceOf(ChatException.class)
        .satisfies(e -> assertThat(((ChatException) e.getCause()).code()).isEqualTo(Code.UNAVAILABLE));
  }

  @Test
  void aServerClosedBeforeItStartedReleasesEverything() throws InterruptedException {
    ChatServer server = ChatServer.builder(InMemoryServerTransport.forName(InMemoryServerTransport.generateName()))
        .build();
    server.shutdown();
    assertThat(server.awaitTermination(Duration.ofSeconds(1))).isTrue();
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aSecondServerUnderATakenNameFailsToStart() {
    chat.startServer();
    ChatServer second = ChatServer.builder(InMemoryServerTransport.forName(chat.serverName())).build();
    assertThatThrownBy(second::start).isInstanceOf(IOException.class).hasMessageContaining("already running");
    assertThat(second.isTerminated()).isTrue();
  }
}
