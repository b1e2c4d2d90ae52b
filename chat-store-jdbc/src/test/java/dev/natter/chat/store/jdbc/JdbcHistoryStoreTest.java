package dev.natter.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.HistoryStore.NewMessage;
import dev.natter.chat.store.jdbc.internal.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a store: the URLs it takes, the folders it creates, the schemas it refuses. */
class JdbcHistoryStoreTest {
  @TempDir Path folder;

  @Test
  void refusesTheUrlOfAnotherDatabaseWithoutRepeatingItsSecrets() {
    assertThatThrownBy(() -> JdbcHistoryStore.forUrl("jdbc:mysql://db/chat?password=hunter2", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:mysql:")
        .hasMessageContaining("jdbc:sqlite:")
        .hasMessageContaining("jdbc:postgresql:")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> JdbcHistoryStore.forUrl("not a url", null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void createsTheFoldersOfASqliteFileAndNamesItInToString() {
    Path file = folder.resolve("a/b/history.db");
    try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(file)) {
      assertThat(file).exists();
      assertThat(store.toString()).contains(file.toString());
    }
  }

  @Test
  void opensASqliteUrlToo() {
    Path file = folder.resolve("by-url.db");
    try (JdbcHistoryStore store = JdbcHistoryStore.forUrl("jdbc:sqlite:" + file, null, null)) {
      User alice = new User("alice", "Alice");
      store.append(new NewMessage("general", "m1", alice, null, "hi", Instant.ofEpochMilli(1), null)).join();
    }
    try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(file)) {
      assertThat(store.state("general").latestSeq()).isEqualTo(1);
      Account alice = new Account(new User("alice", "alice"), "hash", Instant.ofEpochMilli(2));
      assertThat(store.accounts().create(alice)).isTrue();
      assertThat(store.accounts().find("alice")).contains(alice);
    }
  }

  @Test
  void refusesADatabaseWithANewerSchemaNamingBothVersions() throws Exception {
    Path file = folder.resolve("history.db");
    JdbcHistoryStore.sqlite(file).close();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO schema_version (version) VALUES (99)");
    }

    assertThatThrownBy(() -> JdbcHistoryStore.sqlite(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("version " + Schema.VERSION);
  }

  @Test
  void anEmptyFileGetsTheCurrentSchemaRecordedOnce() throws Exception {
    Path file = folder.resolve("history.db");
    Files.createFile(file);
    JdbcHistoryStore.sqlite(file).close();
    JdbcHistoryStore.sqlite(file).close();

    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement();
        var rows = statement.executeQuery("SELECT COUNT(*), MAX(version) FROM schema_version")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getInt(1)).isEqualTo(Schema.VERSION);
      assertThat(rows.getInt(2)).isEqualTo(Schema.VERSION);
    }
  }

  @Test
  void aVersionOneDatabaseIsMigratedAndKeepsItsHistory() throws Exception {
    Path file = folder.resolve("history.db");
    try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(file)) {
      store.append(new HistoryStore.NewMessage("general", "m1", new User("alice", "alice"), null, "kept",
          Instant.ofEpochMilli(1), null)).join();
    }
    // Take the database back to version 1, as an older Natter left it.
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE cids");
      statement.execute("DROP TABLE accounts");
      statement.execute("DROP TABLE bans");
      statement.execute("DELETE FROM schema_version WHERE version > 1");
    }

    try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(file)) {
      store.setBanned("general", "bob", true);
      assertThat(store.isBanned("general", "bob")).isTrue();
      assertThat(store.state("general").latestSeq()).isEqualTo(1);
      Account alice = new Account(new User("alice", "alice"), "hash", Instant.ofEpochMilli(2));
      assertThat(store.accounts().create(alice)).isTrue();
      assertThat(store.accounts().find("alice")).contains(alice);
    }
  }

  @Test
  void sqliteRefusesSharedMode() {
    var builder = JdbcHistoryStore.sqliteBuilder(folder.resolve("x.db"));
    assertThatThrownBy(() -> builder.shared(true)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PostgreSQL").hasMessageContaining("SQLite");
    var byUrl = JdbcHistoryStore.builderForUrl("jdbc:sqlite:" + folder.resolve("y.db"), null, null);
    assertThatThrownBy(() -> byUrl.shared(true)).isInstanceOf(IllegalArgumentException.class);
    try (JdbcHistoryStore store = builder.shared(false).open()) {
      assertThat(store.state("general").latestSeq()).isZero();
    }
  }

  @Test
  void refusesOptionsOutOfRange() {
    var builder = JdbcHistoryStore.sqliteBuilder(folder.resolve("x.db"));
    assertThatThrownBy(() -> builder.queueCapacity(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.maxBatchSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.readConnections(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
