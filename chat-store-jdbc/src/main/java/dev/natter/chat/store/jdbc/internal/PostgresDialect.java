package dev.natter.chat.store.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * PostgreSQL: the driver's own transactions, {@code synchronous_commit = on} for this session whatever
 * the server's default (an acknowledged append must be on disk), and batched inserts rewritten into
 * multi-row statements.
 */
final class PostgresDialect implements Dialect {
  static final String URL_PREFIX = "jdbc:postgresql:";

  /** Any constant: it names the lock that serializes migrations of one database. */
  private static final long SCHEMA_LOCK_KEY = 0x6e61747465724cL;

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  public Properties connectionProperties() {
    Properties properties = new Properties();
    properties.setProperty("reWriteBatchedInserts", "true");
    properties.setProperty("connectTimeout", "10");
    // A server that stops answering must fail the batch, not hang the writer for ever.
    properties.setProperty("socketTimeout", "60");
    properties.setProperty("ApplicationName", "natter");
    return properties;
  }

  @Override
  public void configure(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET synchronous_commit = on");
    }
  }

  @Override
  public void begin(Connection connection) throws SQLException {
    // Out of auto-commit, the driver begins a transaction with the next statement. Reads never come
    // here and stay in auto-commit, so no read leaves a transaction open.
    if (connection.getAutoCommit()) {
      connection.setAutoCommit(false);
    }
  }

  @Override
  public void commit(Connection connection) throws SQLException {
    connection.commit();
  }

  @Override
  public void rollback(Connection connection) throws SQLException {
    if (!connection.isClosed()) {
      connection.rollback();
    }
  }

  @Override
  public boolean allowsSharedWriters() {
    return true;
  }

  @Override
  public boolean takesArrayParameters() {
    return true;
  }

  @Override
  public void lockSchema(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK_KEY + ")");
    }
  }

  @Override
  public List<String> migration(int version) {
    if (version == 4) {
      // Claims of cids by shared stores (SharedNumbering): the first append of a (sender, cid) wins.
      return List.of("CREATE TABLE cids (from_id TEXT COLLATE \"C\" NOT NULL, cid TEXT COLLATE \"C\" NOT NULL,"
            + " mid TEXT COLLATE \"C\" NOT NULL, ts_millis BIGINT NOT NULL, PRIMARY KEY (from_id, cid))");
    }
    if (version == 3) {
      // Accounts of an application's own login (the example server's --auth accounts).
      return List.of("CREATE TABLE accounts (id TEXT COLLATE \"C\" PRIMARY KEY, name TEXT NOT NULL,"
            + " password_hash TEXT NOT NULL, created_ms BIGINT NOT NULL)");
    }
    if (version == 2) {
      // Bans from rooms (ChatServer.ban), kept with the history they guard.
      return List.of("CREATE TABLE bans (room TEXT COLLATE \"C\" NOT NULL, user_id TEXT COLLATE \"C\" NOT NULL,"
            + " PRIMARY KEY (room, user_id))");
    }
    if (version != 1) {
      throw new IllegalArgumentException("no migration to version " + version);
    }
    // Keys collate as "C": byte order, the cheapest comparison, and the same whatever the server locale.
    return List.of(
        "CREATE TABLE store_info (id INTEGER PRIMARY KEY CHECK (id = 1), epoch TEXT NOT NULL)",
        "CREATE TABLE rooms (room TEXT COLLATE \"C\" PRIMARY KEY, epoch TEXT NOT NULL,"
            + " latest_seq BIGINT NOT NULL, direct SMALLINT NOT NULL)",
        "CREATE TABLE messages (room TEXT COLLATE \"C\" NOT NULL, seq BIGINT NOT NULL,"
            + " mid TEXT COLLATE \"C\" NOT NULL UNIQUE, from_id TEXT COLLATE \"C\" NOT NULL,"
            + " from_name TEXT NOT NULL, to_id TEXT, to_name TEXT, text TEXT NOT NULL,"
            + " ts_millis BIGINT NOT NULL, cid TEXT COLLATE \"C\", PRIMARY KEY (room, seq))",
        // Not unique: a sender may reuse a cid once the idempotency window has passed.
        "CREATE INDEX messages_by_cid ON messages (from_id, cid, ts_millis) WHERE cid IS NOT NULL",
        "CREATE TABLE users (id TEXT COLLATE \"C\" PRIMARY KEY, name TEXT NOT NULL)",
        "CREATE TABLE directs (user_id TEXT COLLATE \"C\" NOT NULL, room TEXT COLLATE \"C\" NOT NULL,"
            + " with_id TEXT NOT NULL, with_name TEXT NOT NULL, latest_ts BIGINT NOT NULL,"
            + " latest_mid TEXT COLLATE \"C\" NOT NULL, PRIMARY KEY (user_id, room))",
        "CREATE INDEX directs_by_recency ON directs (user_id, latest_ts, latest_mid)");
  }

  @Override
  public boolean isConnectionLost(SQLException failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        // 08: connection exception; 57P01..57P03: the server shut down or is starting.
        if (state.startsWith("08") || state.startsWith("57P0")) {
          return true;
        }
      }
    }
    return false;
  }
}
