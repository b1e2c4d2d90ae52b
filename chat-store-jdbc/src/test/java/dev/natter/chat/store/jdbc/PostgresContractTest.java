package dev.natter.chat.store.jdbc;

import dev.natter.chat.spi.HistoryStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract run against a real PostgreSQL server, a new schema per test. */
class PostgresContractTest extends HistoryStoreContract {
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();

  private String url;

  @Override
  protected HistoryStore openStore() {
    if (url == null) {
      url = POSTGRES.newDatabaseUrl();
    }
    return JdbcHistoryStore.forUrl(url, "postgres", null);
  }
}
