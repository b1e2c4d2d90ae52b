package dev.natter.chat.store.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
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
      assertThat(connection.getAutoCommit()).isTrue();
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
