package dev.natter.chat.tck;

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

/** A store that hands every call to another; a test overrides what it watches or breaks. */
public class ForwardingStore implements HistoryStore {
  /** The store every call goes to. */
  protected final HistoryStore delegate;

  /** Forwards to {@code delegate}. */
  public ForwardingStore(HistoryStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public LogState state(String room) {
    return delegate.state(room);
  }

  @Override
  public Map<String, Long> latestSeqs(Collection<String> rooms) {
    return delegate.latestSeqs(rooms);
  }

  @Override
  public boolean isShared() {
    return delegate.isShared();
  }

  @Override
  public CompletableFuture<ChatMessage> append(NewMessage message) {
    return delegate.append(message);
  }

  @Override
  public HistoryPage read(String room, PageRequest request) {
    return delegate.read(room, request);
  }

  @Override
  public Optional<ChatMessage> findByCid(String userId, String cid, Instant notBefore) {
    return delegate.findByCid(userId, cid, notBefore);
  }

  @Override
  public Optional<User> findUser(String userId) {
    return delegate.findUser(userId);
  }

  @Override
  public List<DirectConversation> directConversations(String userId, int limit) {
    return delegate.directConversations(userId, limit);
  }

  @Override
  public List<String> rooms() {
    return delegate.rooms();
  }

  @Override
  public void setBanned(String room, String userId, boolean banned) {
    delegate.setBanned(room, userId, banned);
  }

  @Override
  public boolean isBanned(String room, String userId) {
    return delegate.isBanned(room, userId);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
