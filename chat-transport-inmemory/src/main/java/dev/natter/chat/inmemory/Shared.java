package dev.natter.chat.inmemory;

import dev.natter.chat.inmemory.internal.ElasticPool;
import dev.natter.chat.internal.DaemonThreads;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The daemon threads every in-memory connection runs on: the pool its lanes run on ({@link ElasticPool}),
 * and the one timer thread that wakes delayed frames and watches the pool. Idle threads exit after a
 * minute, so nothing needs shutting down.
 */
final class Shared {
  static final ScheduledExecutorService SCHEDULER = newScheduler();
  static final Executor POOL = new ElasticPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
      new DaemonThreads("natter-inmemory"), SCHEDULER);

  private Shared() {}

  private static ScheduledExecutorService newScheduler() {
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(1, new DaemonThreads("natter-inmemory-timer"));
    scheduler.setKeepAliveTime(1, TimeUnit.MINUTES);
    scheduler.allowCoreThreadTimeOut(true);
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }
}
