package dev.natter.chat.store.jdbc;

import dev.natter.chat.spi.HistoryStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;

/** The contract run against SQLite, a new file per test. */
class SqliteContractTest extends HistoryStoreContract {
  @TempDir Path folder;

  @Override
  protected HistoryStore openStore() {
    return JdbcHistoryStore.sqlite(file());
  }

  @Override
  protected boolean expectsShared() {
    return false;
  }

  @Override
  protected boolean executeSql(String... statements) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
    return true;
  }

  private Path file() {
    return folder.resolve("data/history.db");
  }
}
