package dev.natter.chat.store.jdbc;

import dev.natter.chat.User;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A user account of an application's own login, as {@link JdbcAccounts} keeps it.
 *
 * @param user the user: its {@link User#id() id} is the account's key, its name the display name
 * @param passwordHash the password hash, encoded by the application (such as
 *     {@code pbkdf2-sha256$600000$salt$hash}); never the password itself. Not shown by {@link #toString()}
 * @param created when the account was created, to the millisecond (the precision the store keeps: finer
 *     parts are dropped here, so an account reads back equal to the one created)
 */
public record Account(User user, String passwordHash, Instant created) {

  /**
   * Validates the components and truncates {@code created} to milliseconds.
   *
   * @throws IllegalArgumentException when the hash is blank
   */
  public Account {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(passwordHash, "passwordHash");
    Objects.requireNonNull(created, "created");
    if (passwordHash.isBlank()) {
      throw new IllegalArgumentException("passwordHash must not be blank");
    }
    created = created.truncatedTo(ChronoUnit.MILLIS);
  }

  /** The user and the creation time; the hash is shown as {@code ***}. */
  @Override
  public String toString() {
    return "Account[user=" + user + ", passwordHash=***, created=" + created + "]";
  }
}
