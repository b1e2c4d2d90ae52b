package dev.natter.examples.server.accounts;

import dev.natter.chat.store.jdbc.Account;
import dev.natter.chat.store.jdbc.JdbcAccounts;
import java.util.Objects;
import java.util.Optional;

/** Accounts in the history's database (SQLite or PostgreSQL): they survive a restart. */
final class JdbcAccountStore implements AccountStore {
  private final JdbcAccounts accounts;

  JdbcAccountStore(JdbcAccounts accounts) {
    this.accounts = Objects.requireNonNull(accounts, "accounts");
  }

  @Override
  public Optional<Account> find(String userId) {
    return accounts.find(userId);
  }

  @Override
  public boolean create(Account account) {
    return accounts.create(account);
  }

  @Override
  public String toString() {
    return "JdbcAccountStore";
  }
}
