package dev.natter.chat.store.jdbc;

import dev.natter.chat.spi.HistoryStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract run against a real PostgreSQL server, a new schema per test. */
class PostgresContractTest extends HistoryStoreContract {
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();

  private String url;

  @Override
  protected HistoryStore openStore() {
    return JdbcHistoryStore.forUrl(url(), "postgres", null);
  }

  @Override
  protected boolean expectsShared() {
    return false;
  }

  @Override
  protected boolean executeSql(String... statements) throws Exception {
    try (Connection connection = DriverManager.getConnection(url(), "postgres", "");
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
    return true;
  }

  private String url() {
    if (url == null) {
      url = POSTGRES.newDatabaseUrl();
    }
    return url;
  }
}
