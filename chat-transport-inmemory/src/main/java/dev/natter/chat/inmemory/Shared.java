package dev.natter.chat.inmemory;

import dev.natter.chat.internal.DaemonThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The daemon threads every in-memory connection runs on: the pool its lanes run on, and the one timer
 * thread that wakes delayed frames. Idle threads exit after a minute, so nothing needs shutting down.
 */
final class Shared {
  static final ExecutorService POOL = Executors.newCachedThreadPool(new DaemonThreads("natter-inmemory"));
  static final ScheduledExecutorService SCHEDULER = newScheduler();

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
