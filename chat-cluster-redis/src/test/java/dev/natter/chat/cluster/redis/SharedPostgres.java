package dev.natter.chat.cluster.redis;

import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.store.jdbc.JdbcHistoryStore;
import dev.natter.chat.store.jdbc.PostgresServer;
import java.util.HashMap;
import java.util.Map;

/**
 * The stores of one test's nodes on a real PostgreSQL: a fresh database (a schema of its own) per store
 * name, and each {@link #open} a new {@link JdbcHistoryStore} in shared mode on it, as each node of a
 * cluster opens its own. Opening a name again, after the stores on it were closed, gives a store over
 * the same data: that is how the suites restart a server. One per test instance.
 */
final class SharedPostgres {
  private final PostgresServer postgres;
  private final Map<String, String> urls = new HashMap<>();

  SharedPostgres(PostgresServer postgres) {
    this.postgres = postgres;
  }

  /** A new shared-mode store on the database of {@code name}, created empty at its first opening. */
  synchronized HistoryStore open(String name) {
    String url = urls.computeIfAbsent(name, n -> postgres.newDatabaseUrl());
    return JdbcHistoryStore.builderForUrl(url, "postgres", null).shared(true).open();
  }
}
