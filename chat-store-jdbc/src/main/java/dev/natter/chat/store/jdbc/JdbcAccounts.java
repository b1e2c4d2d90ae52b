package dev.natter.chat.store.jdbc;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.User;
import dev.natter.chat.store.jdbc.internal.AccountRows;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * User accounts kept in the same database as a {@link JdbcHistoryStore}'s history, for an application's
 * own login (register, then log in with a password). Obtained from {@link JdbcHistoryStore#accounts()}.
 *
 * <pre>{@code
 * JdbcAccounts accounts = store.accounts();
 * boolean created = accounts.create(new Account(User.anonymous("Alice"), hash, Instant.now()));
 * Optional<Account> alice = accounts.find("alice");
 * }</pre>
 *
 * <p>An account is keyed by its user's {@link User#id() id}, compared exactly (byte for byte, not
 * ignoring case: an application that wants names unique regardless of case makes its ids lower case, as
 * {@link User#anonymous} does). The store keeps what it is given: hashing passwords is the application's
 * job, and the hash is stored as the application encoded it.
 *
 * <p>Each call is one statement on one of the store's read connections, committed when it returns; it
 * may block briefly, for instance while the history writer holds SQLite's lock. Failures throw
 * {@link ChatException} with {@link ChatStatus.Code#INTERNAL} and a message that names no SQL and no
 * hash; the log gets the failure's type and SQL state only, since a database's message may quote the
 * row. After the store is closed, every call fails so. Thread-safe.
 */
public final class JdbcAccounts {
  private final AccountRows rows;

  JdbcAccounts(AccountRows rows) {
    this.rows = rows;
  }

  /**
   * The account of this user id, or none.
   *
   * @throws ChatException with {@code INTERNAL} when the database cannot be read
   */
  public Optional<Account> find(String userId) {
    Objects.requireNonNull(userId, "userId");
    return rows.find(userId).map(row -> new Account(
        new User(row.id(), row.name()), row.passwordHash(), Instant.ofEpochMilli(row.createdMillis())));
  }

  /**
   * Creates the account unless its user id is taken. Atomic: of two creations of one id, however close
   * (from two threads, or two stores on one database), exactly one returns true, and an existing
   * account is never changed.
   *
   * @return true when the account was created, false when the id was taken
   * @throws ChatException with {@code INTERNAL} when the database cannot take it (nothing is stored)
   */
  public boolean create(Account account) {
    Objects.requireNonNull(account, "account");
    return rows.insert(new AccountRows.Row(account.user().id(), account.user().name(), account.passwordHash(),
        account.created().toEpochMilli()));
  }

  @Override
  public String toString() {
    return "JdbcAccounts";
  }
}
