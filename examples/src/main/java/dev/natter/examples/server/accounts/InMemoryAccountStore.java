package dev.natter.examples.server.accounts;

import dev.natter.chat.store.jdbc.Account;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Accounts in memory, for {@code --in-memory}: lost when the server stops. */
final class InMemoryAccountStore implements AccountStore {
  private final ConcurrentMap<String, Account> accounts = new ConcurrentHashMap<>();

  @Override
  public Optional<Account> find(String userId) {
    return Optional.ofNullable(accounts.get(Objects.requireNonNull(userId, "userId")));
  }

  @Override
  public boolean create(Account account) {
    Objects.requireNonNull(account, "account");
    return accounts.putIfAbsent(account.user().id(), account) == null;
  }

  @Override
  public String toString() {
    return "InMemoryAccountStore[" + accounts.size() + " accounts]";
  }
}
