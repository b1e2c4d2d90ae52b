package dev.natter.chat.internal.engine;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.spi.HistoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers each user's {@code cid}s for {@link HistoryStore#CID_WINDOW}, so a resent message is stored
 * once. A send claims its cid before storing; a duplicate that arrives meanwhile waits for the first
 * one's outcome. Misses fall back to the store, which keeps cids across a restart when it is durable.
 */
final class IdempotencyCache {
  /** The store's window, so that the engine and a shared store agree on what a repeat is. */
  static final Duration WINDOW = HistoryStore.CID_WINDOW;

  private final HistoryStore store;
  private final long startedMillis;
  private final boolean soleWriter;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /**
   * @param soleWriter whether this process is the only one storing to {@code store}: only then does
   *     its memory of the window's cids become complete
   */
  IdempotencyCache(HistoryStore store, long startedMillis, boolean soleWriter) {
    this.store = store;
    this.startedMillis = startedMillis;
    this.soleWriter = soleWriter;
  }

  /** The first send's outcome for this user and cid, or {@code null} when there was none. */
  CompletableFuture<ChatMessage> lookup(String userId, String cid, long nowMillis) {
    Entry entry = entries.get(key(userId, cid));
    if (entry != null && nowMillis - entry.createdMillis <= WINDOW.toMillis()) {
      return entry.outcome;
    }
    if (soleWriter && nowMillis - startedMillis > WINDOW.toMillis()) {
      // Every cid of the window was seen by this process, so the cache is complete: spare the store.
      return null;
    }
    Instant notBefore = Instant.ofEpochMilli(nowMillis).minus(WINDOW);
    return store.findByCid(userId, cid, notBefore).map(CompletableFuture::completedFuture).orElse(null);
  }

  /**
   * Claims a cid for a send about to be stored. Returns {@code null} when claimed (then call
   * {@link #completed} or {@link #failed}), or the outcome of a concurrent send that claimed it first.
   */
  CompletableFuture<ChatMessage> claim(String userId, String cid, long nowMillis) {
    Entry fresh = new Entry(nowMillis);
    Entry existing = entries.putIfAbsent(key(userId, cid), fresh);
    if (existing == null) {
      return null;
    }
    if (nowMillis - existing.createdMillis > WINDOW.toMillis()
        && entries.replace(key(userId, cid), existing, fresh)) {
      return null;
    }
    return existing.outcome;
  }

  /** The claimed send was stored. */
  void completed(String userId, String cid, ChatMessage message) {
    Entry entry = entries.get(key(userId, cid));
    if (entry != null) {
      entry.outcome.complete(message);
    }
  }

  /** The claimed send failed: release the cid so a retry may store it. */
  void failed(String userId, String cid, Throwable error) {
    Entry entry = entries.remove(key(userId, cid));
    if (entry != null) {
      entry.outcome.completeExceptionally(error);
    }
  }

  /** Drops entries past the window. */
  void expire(long nowMillis) {
    entries.values().removeIf(e -> nowMillis - e.createdMillis > WINDOW.toMillis() && e.outcome.isDone());
  }

  private static String key(String userId, String cid) {
    return userId + '\u0000' + cid;
  }

  private static final class Entry {
    final long createdMillis;
    final CompletableFuture<ChatMessage> outcome = new CompletableFuture<>();

    Entry(long createdMillis) {
      this.createdMillis = createdMillis;
    }
  }
}
