package dev.natter.chat.store.jdbc;

import dev.natter.chat.spi.HistoryStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract run against a real PostgreSQL server by a store in shared mode: one store alone must
 * behave exactly as an unshared one, though it numbers every batch from the database.
 */
class SharedPostgresContractTest extends HistoryStoreContract {
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();

  private String url;

  @Override
  protected HistoryStore openStore() {
    return JdbcHistoryStore.builderForUrl(url(), "postgres", null).shared(true).open();
  }

  @Override
  protected boolean expectsShared() {
    return true;
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
