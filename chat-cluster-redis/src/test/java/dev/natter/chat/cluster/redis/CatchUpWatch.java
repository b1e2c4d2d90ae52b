package dev.natter.chat.cluster.redis;

import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.tck.ForwardingStore;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One node's opening of a shared store that counts the node's catch-ups: the engine's catch-up first
 * resyncs every followed room's members (delivering what changed), then reads the rooms' latest seqs
 * here. So once the count moved, the presence of that catch-up is on its way to the clients, ahead of
 * anything the node sends them later. Closing it does not close the shared store.
 */
final class CatchUpWatch extends ForwardingStore {
  private final AtomicInteger catchUps = new AtomicInteger();

  CatchUpWatch(HistoryStore store) {
    super(store);
  }

  /** How many catch-ups the node finished its resyncs of. */
  int catchUps() {
    return catchUps.get();
  }

  @Override
  public Map<String, Long> latestSeqs(Collection<String> rooms) {
    catchUps.incrementAndGet();
    return delegate.latestSeqs(rooms);
  }

  @Override
  public void close() {
    // The nodes share the store; the test drops it.
  }
}
