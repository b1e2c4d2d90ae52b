package dev.natter.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.PageRequest;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore.NewMessage;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL going away under a running store: appends and reads fail with {@code internal} while it is
 * down, and the store uses it again by itself once it is back, with the next {@code seq}.
 */
class PostgresOutageTest {
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();
  private static final User ALICE = new User("alice", "Alice");

  private int mids;

  @Test
  void appendsAndReadsFailWhileTheServerIsDownAndWorkAgainWhenItIsBack() {
    try (JdbcHistoryStore store = JdbcHistoryStore.forUrl(POSTGRES.newDatabaseUrl(), "postgres", null)) {
      ChatMessage first = store.append(message("before")).join();

      POSTGRES.stop();
      try {
        assertThatThrownBy(() -> store.append(message("while down")).join())
            .isInstanceOf(CompletionException.class)
            .cause().isInstanceOf(ChatException.class)
            .satisfies(e -> assertThat(((ChatException) e).code()).isEqualTo(ChatStatus.Code.INTERNAL));
        assertThatThrownBy(() -> store.read("general", PageRequest.latest(5)))
            .isInstanceOf(ChatException.class)
            .satisfies(e -> assertThat(((ChatException) e).code()).isEqualTo(ChatStatus.Code.INTERNAL));
      } finally {
        POSTGRES.start();
      }

      ChatMessage after = store.append(message("after")).join();
      assertThat(after.seq()).isEqualTo(2);
      assertThat(store.read("general", PageRequest.latest(5)).messages()).containsExactly(first, after);
    }
  }

  @Test
  void aRestartWhileTheStoreIsIdleGoesUnnoticed() {
    try (JdbcHistoryStore store = JdbcHistoryStore.forUrl(POSTGRES.newDatabaseUrl(), "postgres", null)) {
      ChatMessage first = store.append(message("before")).join();
      assertThat(store.read("general", PageRequest.latest(5)).messages()).containsExactly(first);

      POSTGRES.stop();
      POSTGRES.start();

      // Both the writer's and the reads' connections broke; each is replaced on first use.
      ChatMessage after = store.append(message("after")).join();
      assertThat(after.seq()).isEqualTo(2);
      assertThat(store.read("general", PageRequest.latest(5)).messages()).containsExactly(first, after);
    }
  }

  private NewMessage message(String text) {
    return new NewMessage("general", "mid-" + ++mids, ALICE, null, text, Instant.ofEpochMilli(1_000 + mids), null);
  }
}
