package dev.natter.chat.store.jdbc.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/**
 * The {@code accounts} table: one statement per call on a pooled connection in auto-commit, like bans.
 * Rows hold password hashes, so failures are logged without the database's message (see
 * {@link HistoryReads#runQuietly}).
 */
public final class AccountRows {
  private static final String READ_FAILED = "the accounts could not be read";
  private static final String WRITE_FAILED = "the account could not be stored";

  private final HistoryReads reads;

  /** Accounts on the connections of {@code reads}. */
  public AccountRows(HistoryReads reads) {
    this.reads = reads;
  }

  /**
   * An account row.
   *
   * @param id the user id, the key
   * @param name the display name
   * @param passwordHash the encoded password hash; a secret, never shown by {@link #toString()}
   * @param createdMillis when it was created, in milliseconds since the epoch
   */
  public record Row(String id, String name, String passwordHash, long createdMillis) {
    @Override
    public String toString() {
      return "Row[id=" + id + ", name=" + name + ", passwordHash=***, createdMillis=" + createdMillis + "]";
    }
  }

  /** The row of this id, or none. */
  public Optional<Row> find(String id) {
    return reads.runQuietly(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT name, password_hash, created_ms FROM accounts WHERE id = ?")) {
        select.setString(1, id);
        try (ResultSet rows = select.executeQuery()) {
          return rows.next()
              ? Optional.of(new Row(id, rows.getString(1), rows.getString(2), rows.getLong(3)))
              : Optional.<Row>empty();
        }
      }
    }, "reading an account failed", READ_FAILED);
  }

  /**
   * Inserts the row unless its id is taken, in one statement: of two inserts of one id, however close,
   * exactly one succeeds.
   *
   * @return whether the row was inserted; false when the id was taken
   */
  public boolean insert(Row row) {
    return reads.runQuietly(connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO accounts (id, name, password_hash, created_ms) VALUES (?, ?, ?, ?)"
              + " ON CONFLICT (id) DO NOTHING")) {
        insert.setString(1, row.id());
        insert.setString(2, row.name());
        insert.setString(3, row.passwordHash());
        insert.setLong(4, row.createdMillis());
        return insert.executeUpdate() == 1;
      }
    }, "storing an account failed", WRITE_FAILED);
  }
}
