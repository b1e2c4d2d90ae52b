package dev.natter.chat.store.jdbc.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Where the store's connections come from: a URL, credentials and a {@link Dialect} that sets them up. */
public final class Database {
  private final String url;
  private final Properties properties;
  private final Dialect dialect;

  /**
   * @param user the user, or {@code null} when the URL says it or the database has none
   * @param password the password, or {@code null}
   */
  public Database(String url, String user, String password, Dialect dialect) {
    this.url = url;
    this.dialect = dialect;
    this.properties = dialect.connectionProperties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
  }

  public Dialect dialect() {
    return dialect;
  }

  /**
   * Checks that a driver for the URL is on the class path, so a missing one is reported as such rather
   * than as a database failure.
   *
   * @throws IllegalStateException when there is none
   */
  public void requireDriver() {
    try {
      DriverManager.getDriver(url);
    } catch (SQLException e) {
      throw new IllegalStateException("no " + dialect.name() + " JDBC driver on the class path"
          + (dialect instanceof PostgresDialect ? ": add org.postgresql:postgresql" : ""), e);
    }
  }

  /** A new connection, set up by the dialect. */
  public Connection connect() throws SQLException {
    Connection connection = DriverManager.getConnection(url, properties);
    try {
      dialect.configure(connection);
      return connection;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  /** Closes a connection, ignoring that closing it failed: it is being given up on. */
  static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException | RuntimeException e) {
      // Nothing more can be done with it; the failure that led here is what gets reported.
    }
  }
}
