package dev.natter.chat.store.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * SQLite: one file, WAL mode, {@code synchronous=FULL}.
 *
 * <p>Why FULL: the store acknowledges an append once it is committed, and promises that a committed
 * message survives a crash. In WAL mode, NORMAL syncs the log only at checkpoints, so a power loss can
 * take the last commits with it; FULL syncs the log at every commit. Group commit makes that one sync
 * per batch, not per message.
 *
 * <p>Why the log is checkpointed by hand: by default the commit that takes the WAL past 1,000 pages
 * copies the log into the database file and syncs it, inside that commit; every few seconds under load
 * one batch of messages waited for that, and it was most of the tail of the server's latency. The
 * writer now checkpoints while it has nothing queued ({@link #whileIdle}); SQLite's own checkpoint stays
 * as a backstop, at a size only a writer that is never idle reaches.
 *
 * <p>Transactions are started by hand with {@code BEGIN IMMEDIATE} on a connection left in auto-commit
 * mode: the driver's own non-auto-commit mode opens the next transaction right after each commit, and
 * a deferred transaction that reads before it writes can fail on a lock instead of waiting for it.
 */
final class SqliteDialect implements Dialect {
  static final String URL_PREFIX = "jdbc:sqlite:";
  /** Commits after which an idle writer checkpoints the log: a few hundred pages of WAL. */
  static final int CHECKPOINT_AFTER_COMMITS = 100;
  /** The automatic checkpoint, for a writer never idle: 10,000 pages, about 40 MiB of WAL. */
  private static final int BACKSTOP_CHECKPOINT_PAGES = 10_000;

  private final long busyTimeoutMillis;

  SqliteDialect(Duration busyTimeout) {
    this.busyTimeoutMillis = busyTimeout.toMillis();
  }

  @Override
  public String name() {
    return "SQLite";
  }

  @Override
  public Properties connectionProperties() {
    return new Properties();
  }

  @Override
  public void configure(Connection connection) throws SQLException {
    connection.setAutoCommit(true);
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout = " + busyTimeoutMillis);
      // Persistent in the file; a no-op when it is already in WAL mode.
      statement.execute("PRAGMA journal_mode = WAL");
      statement.execute("PRAGMA synchronous = FULL");
      statement.execute("PRAGMA wal_autocheckpoint = " + BACKSTOP_CHECKPOINT_PAGES);
    }
  }

  @Override
  public boolean whileIdle(Connection connection, int commitsSince) throws SQLException {
    if (commitsSince < CHECKPOINT_AFTER_COMMITS) {
      return false;
    }
    // PASSIVE: copies what no reader still needs, and never waits for readers.
    execute(connection, "PRAGMA wal_checkpoint(PASSIVE)");
    return true;
  }

  @Override
  public void begin(Connection connection) throws SQLException {
    execute(connection, "BEGIN IMMEDIATE");
  }

  @Override
  public void commit(Connection connection) throws SQLException {
    execute(connection, "COMMIT");
  }

  @Override
  public void rollback(Connection connection) throws SQLException {
    if (!connection.isClosed()) {
      execute(connection, "ROLLBACK");
    }
  }

  @Override
  public void lockSchema(Connection connection) {
    // BEGIN IMMEDIATE already holds the only write lock of the file.
  }

  @Override
  public List<String> migration(int version) {
    if (version == 4) {
      // Only shared stores (PostgreSQL) write claims; the table keeps the schema one version everywhere.
      return List.of("CREATE TABLE cids (from_id TEXT NOT NULL, cid TEXT NOT NULL, mid TEXT NOT NULL,"
            + " ts_millis INTEGER NOT NULL, PRIMARY KEY (from_id, cid)) WITHOUT ROWID");
    }
    if (version == 3) {
      // Accounts of an application's own login (the example server's --auth accounts).
      return List.of("CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
            + " password_hash TEXT NOT NULL, created_ms INTEGER NOT NULL) WITHOUT ROWID");
    }
    if (version == 2) {
      // Bans from rooms (ChatServer.ban), kept with the history they guard.
      return List.of("CREATE TABLE bans (room TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (room, user_id))"
            + " WITHOUT ROWID");
    }
    if (version != 1) {
      throw new IllegalArgumentException("no migration to version " + version);
    }
    // Tables keyed by text are WITHOUT ROWID: the key is the table, no second index beside it.
    return List.of(
        "CREATE TABLE store_info (id INTEGER PRIMARY KEY CHECK (id = 1), epoch TEXT NOT NULL)",
        "CREATE TABLE rooms (room TEXT PRIMARY KEY, epoch TEXT NOT NULL, latest_seq INTEGER NOT NULL,"
            + " direct INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE TABLE messages (room TEXT NOT NULL, seq INTEGER NOT NULL, mid TEXT NOT NULL UNIQUE,"
            + " from_id TEXT NOT NULL, from_name TEXT NOT NULL, to_id TEXT, to_name TEXT,"
            + " text TEXT NOT NULL, ts_millis INTEGER NOT NULL, cid TEXT, PRIMARY KEY (room, seq))",
        // Not unique: a sender may reuse a cid once the idempotency window has passed.
        "CREATE INDEX messages_by_cid ON messages (from_id, cid, ts_millis) WHERE cid IS NOT NULL",
        "CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID",
        "CREATE TABLE directs (user_id TEXT NOT NULL, room TEXT NOT NULL, with_id TEXT NOT NULL,"
            + " with_name TEXT NOT NULL, latest_ts INTEGER NOT NULL, latest_mid TEXT NOT NULL,"
            + " PRIMARY KEY (user_id, room)) WITHOUT ROWID",
        "CREATE INDEX directs_by_recency ON directs (user_id, latest_ts, latest_mid)");
  }

  @Override
  public boolean isConnectionLost(SQLException failure) {
    return false; // a file does not hang up
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
