package dev.natter.chat.store.jdbc;

import dev.natter.chat.spi.HistoryStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The contract run against SQLite, a new file per test. */
class SqliteContractTest extends HistoryStoreContract {
  @TempDir Path folder;

  @Override
  protected HistoryStore openStore() {
    return JdbcHistoryStore.sqlite(folder.resolve("data/history.db"));
  }
}
