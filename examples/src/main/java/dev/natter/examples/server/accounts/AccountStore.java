package dev.natter.examples.server.accounts;

import dev.natter.chat.store.jdbc.Account;
import dev.natter.chat.store.jdbc.JdbcAccounts;
import java.util.Optional;

/**
 * Where the example server keeps its accounts: in the history's database ({@link #jdbc}) or, with
 * {@code --in-memory}, in memory only ({@link #inMemory}). Implementations are thread-safe.
 */
public interface AccountStore {

  /** The account of this user id, or none. */
  Optional<Account> find(String userId);

  /**
   * Creates the account unless its user id is taken, atomically.
   *
   * @return true when created, false when the id was taken (the existing account is left as it is)
   */
  boolean create(Account account);

  /** The accounts of a {@link dev.natter.chat.store.jdbc.JdbcHistoryStore}'s database. */
  static AccountStore jdbc(JdbcAccounts accounts) {
    return new JdbcAccountStore(accounts);
  }

  /** Accounts in memory: lost when the server stops. */
  static AccountStore inMemory() {
    return new InMemoryAccountStore();
  }
}
