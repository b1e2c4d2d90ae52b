package dev.natter.chat.store.jdbc;

import dev.natter.chat.spi.HistoryStore;

/** The contract run against the in-memory reference store: proof that it is the reference's contract. */
class InMemoryContractTest extends HistoryStoreContract {

  @Override
  protected HistoryStore openStore() {
    return HistoryStore.inMemory();
  }

  @Override
  protected boolean expectsShared() {
    return true;
  }

  @Override
  protected boolean isDurable() {
    return false;
  }

  @Override
  protected boolean closeEndsAppends() {
    return false;
  }
}
