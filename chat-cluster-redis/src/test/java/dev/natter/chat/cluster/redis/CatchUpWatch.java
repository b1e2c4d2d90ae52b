package dev.natter.chat.cluster.redis;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.PageRequest;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One node's opening of a shared store that counts the node's catch-ups: the engine's catch-up first
 * resyncs every followed room's members (delivering what changed), then reads the rooms' latest seqs
 * here. So once the count moved, the presence of that catch-up is on its way to the clients, ahead of
 * anything the node sends them later. Closing it does not close the shared store.
 */
final class CatchUpWatch implements HistoryStore {
  private final HistoryStore store;
  private final AtomicInteger catchUps = new AtomicInteger();

  CatchUpWatch(HistoryStore store) {
    this.store = store;
  }

  /** How many catch-ups the node finished its resyncs of. */
  int catchUps() {
    return catchUps.get();
  }

  @Override
  public Map<String, Long> latestSeqs(Collection<String> rooms) {
    catchUps.incrementAndGet();
    return store.latestSeqs(rooms);
  }

  @Override
  public LogState state(String room) {
    return store.state(room);
  }

  @Override
  public boolean isShared() {
    return store.isShared();
  }

  @Override
  public CompletableFuture<ChatMessage> append(NewMessage message) {
    return store.append(message);
  }

  @Override
  public HistoryPage read(String room, PageRequest request) {
    return store.read(room, request);
  }

  @Override
  public Optional<ChatMessage> findByCid(String userId, String cid, Instant notBefore) {
    return store.findByCid(userId, cid, notBefore);
  }

  @Override
  public Optional<User> findUser(String userId) {
    return store.findUser(userId);
  }

  @Override
  public List<DirectConversation> directConversations(String userId, int limit) {
    return store.directConversations(userId, limit);
  }

  @Override
  public List<String> rooms() {
    return store.rooms();
  }

  @Override
  public void setBanned(String room, String userId, boolean banned) {
    store.setBanned(room, userId, banned);
  }

  @Override
  public boolean isBanned(String room, String userId) {
    return store.isBanned(room, userId);
  }

  @Override
  public void close() {
    // The nodes share the store; the test drops it.
  }
}
