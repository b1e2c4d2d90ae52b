package dev.natter.examples.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.User;
import dev.natter.chat.store.jdbc.Account;
import dev.natter.chat.store.jdbc.JdbcHistoryStore;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both account stores keep the same promises: found by id, created once. */
class AccountStoreTest {
  private static final Account ALICE =
      new Account(new User("alice", "Alice"), "pbkdf2-sha256$1000$c2FsdA$aGFzaA", Instant.ofEpochMilli(42));

  @TempDir Path folder;
  private JdbcHistoryStore opened;

  @AfterEach
  void closeStore() {
    if (opened != null) {
      opened.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"in memory", "SQLite"})
  void anAccountIsCreatedOnceAndFoundByItsId(String kind) {
    AccountStore store = open(kind);

    assertThat(store.find("alice")).isEmpty();
    assertThat(store.create(ALICE)).isTrue();
    assertThat(store.create(new Account(new User("alice", "ALICE"), "other", Instant.EPOCH))).isFalse();

    assertThat(store.find("alice")).contains(ALICE);
    assertThat(store.find("bob")).isEmpty();
  }

  private AccountStore open(String kind) {
    if (kind.equals("in memory")) {
      return AccountStore.inMemory();
    }
    opened = JdbcHistoryStore.sqlite(folder.resolve("natter.db"));
    return AccountStore.jdbc(opened.accounts());
  }
}
