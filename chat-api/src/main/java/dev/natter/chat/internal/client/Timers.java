package dev.natter.chat.internal.client;

import dev.natter.chat.internal.DaemonThreads;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * One daemon timer thread shared by every client in the JVM, for request deadlines and reconnect
 * delays: a client keeps one periodic sweep, not a timer per request. Its tasks only take the client's
 * lock briefly and start asynchronous work.
 */
final class Timers {
  static final ScheduledExecutorService SCHEDULER = create();

  private Timers() {}

  private static ScheduledExecutorService create() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(1, new DaemonThreads("natter-client-timer"));
    // Cancelled timers of closed clients leave the queue at once instead of at their time.
    executor.setRemoveOnCancelPolicy(true);
    return Executors.unconfigurableScheduledExecutorService(executor);
  }
}
