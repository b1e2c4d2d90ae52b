package dev.natter.chat.inmemory;

import dev.natter.chat.internal.DaemonThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The daemon threads every in-memory connection's lanes run on. Idle threads exit after a minute, so
 * nothing needs shutting down.
 */
final class Shared {
  static final ExecutorService POOL = Executors.newCachedThreadPool(new DaemonThreads("natter-inmemory"));

  private Shared() {}
}
