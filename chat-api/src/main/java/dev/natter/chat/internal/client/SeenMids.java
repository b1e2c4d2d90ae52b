package dev.natter.chat.internal.client;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the latest messages delivered to the listener, so none is delivered twice; bounded, the
 * oldest forgotten first. Not thread-safe: guarded by the client's lock.
 */
final class SeenMids {
  private final Map<String, Boolean> mids;

  SeenMids(int capacity) {
    this.mids = new LinkedHashMap<>(16, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Remembers {@code mid}; false when it was already remembered. */
  boolean add(String mid) {
    return mids.put(mid, Boolean.TRUE) == null;
  }
}
