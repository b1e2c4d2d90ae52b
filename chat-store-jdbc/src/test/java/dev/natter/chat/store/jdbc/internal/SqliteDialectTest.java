package dev.natter.chat.store.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore.NewMessage;
import dev.natter.chat.store.jdbc.JdbcHistoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite settings durability rests on, read back from a connection the store would use. */
class SqliteDialectTest {
  @TempDir Path folder;

  @Test
  void connectionsAreInWalModeAndSyncEveryCommit() throws Exception {
    Dialect dialect = Dialect.forUrl("jdbc:sqlite:" + folder.resolve("x.db"), Duration.ofMillis(1234));
    Database database = new Database("jdbc:sqlite:" + folder.resolve("x.db"), null, null, dialect);
    try (Connection connection = database.connect()) {
      assertThat(pragma(connection, "journal_mode")).isEqualTo("wal");
      assertThat(pragma(connection, "synchronous")).as("FULL").isEqualTo("2");
      assertThat(pragma(connection, "busy_timeout")).isEqualTo("1234");
      assertThat(pragma(connection, "wal_autocheckpoint")).as("only a backstop").isEqualTo("10000");
      assertThat(connection.getAutoCommit()).isTrue();
    }
  }

  @Test
  void anIdleWriterCopiesTheLogIntoTheDatabaseFile() throws Exception {
    Path file = folder.resolve("history.db");
    User alice = new User("alice", "Alice");
    String text = "x".repeat(1_000);
    int appends = SqliteDialect.CHECKPOINT_AFTER_COMMITS + 50;
    try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(file)) {
      long before = Files.size(file);
      for (int i = 0; i < appends; i++) {
        // One at a time: the writer is idle between them.
        store.append(new NewMessage("general", "mid-" + i, alice, null, text, Instant.ofEpochMilli(i), null)).join();
      }

      // The writer checkpoints when it finds nothing queued: at the latest once the appends stop.
      long enough = (long) SqliteDialect.CHECKPOINT_AFTER_COMMITS * text.length();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (Files.size(file) - before <= enough && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(Files.size(file) - before)
          .as("at least %s messages' pages are in the database file, not only in the log",
              SqliteDialect.CHECKPOINT_AFTER_COMMITS)
          .isGreaterThan(enough);
    }
  }

  @Test
  void knowsOnlyTheMigrationsItHas() {
    Dialect dialect = new SqliteDialect(Duration.ZERO);
    assertThat(dialect.migration(Schema.VERSION)).isNotEmpty();
    assertThatThrownBy(() -> dialect.migration(Schema.VERSION + 1)).isInstanceOf(IllegalArgumentException.class);
  }

  private static String pragma(Connection connection, String name) throws Exception {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA " + name)) {
      rows.next();
      return rows.getString(1);
    }
  }
}
