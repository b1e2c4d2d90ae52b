package dev.natter.chat.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatException;
import dev.natter.chat.ReconnectPolicy;
import dev.natter.chat.spi.ClientFrame;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A token supplier is asked before every connection, so a reconnect carries a fresh token rather than
 * one that expired; a supplier that fails fails that attempt like a connection failure.
 */
class TokenSupplierTest {
  private final ScriptedTransport transport = new ScriptedTransport();
  private final ManualScheduler clock = new ManualScheduler();
  private final EventLog events = new EventLog();

  private DefaultChatClient client(Supplier<String> tokens) {
    return new DefaultChatClient(transport, null, tokens, null, events, Runnable::run,
        Duration.ofSeconds(30), Duration.ZERO,
        ReconnectPolicy.defaults().withInitialDelay(Duration.ofMillis(500)).withJitter(0), clock, () -> 0.0);
  }

  @Test
  void everyConnectionCarriesTheTokenTheSupplierGivesThen() {
    Queue<String> fresh = new ArrayDeque<>(List.of("t1", "t2", "t3"));
    client(fresh::remove).connect();
    assertThat(transport.last().welcome("s1", false).token()).isEqualTo("t1");

    transport.last().drop(1006);
    clock.advance(Duration.ofMillis(500));
    assertThat(transport.last().welcome("s2", true).token()).isEqualTo("t2");

    transport.last().drop(1006);
    clock.advance(Duration.ofMillis(500));
    ClientFrame.Hello third = transport.last().welcome("s3", true);
    assertThat(third.token()).isEqualTo("t3");
    assertThat(third.resume()).isEqualTo("s2");
  }

  @Test
  void aSupplierThatFailsFailsTheFirstConnect() {
    CompletableFuture<?> connect = client(() -> {
      throw new IllegalStateException("login service down");
    }).connect();

    assertThat(connect).failsWithin(Duration.ZERO).withThrowableThat()
        .havingRootCause().withMessage("login service down");
    assertThat(transport.attempts()).isZero();
  }

  @Test
  void aSupplierThatFailsOnAReconnectIsRetriedWithBackoff() {
    Queue<Supplier<String>> answers = new ArrayDeque<>(List.of(() -> "t1", () -> {
      throw new IllegalStateException("login service down");
    }, () -> "t3"));
    client(() -> answers.remove().get()).connect();
    transport.last().welcome("s1", false);

    transport.last().drop(1006);
    clock.advance(Duration.ofMillis(500)); // the supplier fails: no connection
    int attempts = transport.attempts();
    clock.advance(Duration.ofSeconds(1)); // the next attempt, after a longer delay

    assertThat(transport.attempts()).isEqualTo(attempts + 1);
    assertThat(transport.last().welcome("s2", true).token()).isEqualTo("t3");
    assertThat(events.take()).noneMatch(e -> e.startsWith("CLOSED"));
  }

  @Test
  void aSupplierReturningNullFailsTheAttempt() {
    CompletableFuture<?> connect = client(() -> null).connect();

    assertThat(connect).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ChatException.class);
    assertThat(transport.attempts()).isZero();
  }
}
