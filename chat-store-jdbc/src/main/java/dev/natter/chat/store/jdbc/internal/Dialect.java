package dev.natter.chat.store.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * What differs between the databases the store speaks: connection set-up, how a write transaction
 * starts, the DDL of each schema version, and which failures mean the connection is gone. The queries
 * and upserts themselves are shared: SQLite (3.24 and later) and PostgreSQL both speak
 * {@code INSERT ... ON CONFLICT (...) DO UPDATE SET ... = excluded....}.
 */
public interface Dialect {

  /**
   * The dialect of a JDBC URL.
   *
   * @param busyTimeout how long a SQLite write waits for another connection's lock before it fails
   * @throws IllegalArgumentException for a URL of another database
   */
  static Dialect forUrl(String jdbcUrl, Duration busyTimeout) {
    if (jdbcUrl.startsWith(SqliteDialect.URL_PREFIX)) {
      return new SqliteDialect(busyTimeout);
    }
    if (jdbcUrl.startsWith(PostgresDialect.URL_PREFIX)) {
      return new PostgresDialect();
    }
    // Only the scheme: the rest of a URL may hold a password.
    int end = jdbcUrl.indexOf(':', jdbcUrl.indexOf(':') + 1);
    String scheme = end < 0 ? "(no jdbc:name: prefix)" : jdbcUrl.substring(0, end + 1);
    throw new IllegalArgumentException("unsupported JDBC URL " + scheme + " the history store speaks "
        + SqliteDialect.URL_PREFIX + " and " + PostgresDialect.URL_PREFIX + " only");
  }

  /** The database's name for people: {@code "SQLite"}, {@code "PostgreSQL"}. */
  String name();

  /** Driver properties added to the user's credentials when connecting. */
  Properties connectionProperties();

  /**
   * Whether several stores, in several processes, may write to one database of this kind (shared mode:
   * each room's {@code seq} taken from a row-locked counter in the append transaction). False by
   * default: a SQLite file is one machine's, and its single write lock makes sharing pointless.
   */
  default boolean allowsSharedWriters() {
    return false;
  }

  /**
   * Whether a statement may take a list of values as one array parameter ({@code col = ANY(?)}). When
   * not, a list is bound one value per parameter ({@code col IN (?, ?, ...)}).
   */
  default boolean takesArrayParameters() {
    return false;
  }

  /** Prepares a new connection (session settings), leaving it in auto-commit mode for reads. */
  void configure(Connection connection) throws SQLException;

  /** Starts a write transaction that holds the database's write lock until it ends. */
  void begin(Connection connection) throws SQLException;

  /** Commits the transaction {@link #begin} started: once this returns, it is durable. */
  void commit(Connection connection) throws SQLException;

  /** Rolls back the transaction {@link #begin} started. */
  void rollback(Connection connection) throws SQLException;

  /**
   * Inside a transaction begun with {@link #begin}: waits until no other store is migrating the same
   * database, until the transaction ends.
   */
  void lockSchema(Connection connection) throws SQLException;

  /**
   * Called by the writer on its connection, outside a transaction, when nothing is queued and it has
   * committed {@code commitsSince} times since the housekeeping was last done: housekeeping that would
   * otherwise delay a commit. Returns whether it was done (the count then starts again). Nothing by
   * default.
   */
  default boolean whileIdle(Connection connection, int commitsSince) throws SQLException {
    return false;
  }

  /** The statements that take the schema from {@code version - 1} to {@code version}. */
  List<String> migration(int version);

  /**
   * Whether the failure means the connection is broken (the server restarted, the network dropped it),
   * so the same work may succeed on a new connection.
   */
  boolean isConnectionLost(SQLException failure);
}
