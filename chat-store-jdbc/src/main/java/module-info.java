/**
 * Natter's durable history: a {@link dev.natter.chat.spi.HistoryStore} over JDBC, SQLite by default and
 * PostgreSQL for deployments. The drivers are found through {@link java.sql.DriverManager} at run time;
 * no driver type appears in the API.
 */
module dev.natter.chat.store.jdbc {
  requires transitive dev.natter.chat;
  requires java.sql;

  exports dev.natter.chat.store.jdbc;
}
