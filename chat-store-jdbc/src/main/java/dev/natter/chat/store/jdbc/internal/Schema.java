package dev.natter.chat.store.jdbc.internal;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * The schema's versions and how a database is brought to the newest: each version's statements run in
 * one transaction with its row in {@code schema_version}, so a migration is applied whole or not at all,
 * and two stores starting on one database do not both apply it.
 */
public final class Schema {
  /** The newest version this code knows. */
  public static final int VERSION = 4;

  private Schema() {}

  /**
   * Creates or migrates the schema and returns the store's epoch, which the first migration creates.
   *
   * @throws IllegalStateException when the database has a newer schema than this code knows
   */
  public static String migrate(Connection connection, Dialect dialect) throws SQLException {
    dialect.begin(connection);
    try {
      dialect.lockSchema(connection);
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)");
      }
      int current = currentVersion(connection);
      if (current > VERSION) {
        throw new IllegalStateException("the history database has schema version " + current
            + ", newer than version " + VERSION + " that this chat-store-jdbc knows;"
            + " use the Natter version that wrote it, or a newer one");
      }
      for (int version = current + 1; version <= VERSION; version++) {
        apply(connection, dialect, version);
      }
      String epoch = epoch(connection);
      dialect.commit(connection);
      return epoch;
    } catch (SQLException | RuntimeException e) {
      try {
        dialect.rollback(connection);
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The version recorded in the database, 0 for an empty one. */
  public static int currentVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT MAX(version) FROM schema_version")) {
      return rows.next() ? rows.getInt(1) : 0;
    }
  }

  private static void apply(Connection connection, Dialect dialect, int version) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String sql : dialect.migration(version)) {
        statement.execute(sql);
      }
    }
    if (version == 1) {
      try (PreparedStatement insert =
          connection.prepareStatement("INSERT INTO store_info (id, epoch) VALUES (1, ?)")) {
        insert.setString(1, newEpoch());
        insert.executeUpdate();
      }
    }
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO schema_version (version) VALUES (?)")) {
      insert.setInt(1, version);
      insert.executeUpdate();
    }
  }

  private static String epoch(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT epoch FROM store_info WHERE id = 1")) {
      if (!rows.next()) {
        throw new IllegalStateException("the history database has no store_info row");
      }
      return rows.getString(1);
    }
  }

  /** Like the in-memory store's: 12 hex digits, random, so a lost and recreated database gets another. */
  private static String newEpoch() {
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
