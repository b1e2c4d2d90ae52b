package dev.natter.chat.inmemory.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The threads the in-memory lanes run on: as many as there are cores while they keep up, and one more
 * each time queued work made no progress for {@link #STALL_MILLIS} (every thread blocked, for instance
 * in a test's listener that waits for a frame still queued behind it). So a blocking listener cannot
 * starve the others, as on a cached pool; but unlike a cached pool, which hands every task to a thread
 * of its own and so wakes a thread per delivery, busy threads here take the next lane from one queue.
 * Back to the cores' count once the queue is empty; idle threads exit after a minute.
 *
 * <p>The check runs only while work is queued; it costs nothing when idle.
 */
public final class ElasticPool implements Executor {
  static final long STALL_MILLIS = 20;

  private final ThreadPoolExecutor threads;
  private final ScheduledExecutorService timer;
  private final int baseThreads;
  private final AtomicBoolean watching = new AtomicBoolean();
  private long completedAtLastCheck; // only the timer's check touches it once watching

  public ElasticPool(int baseThreads, ThreadFactory factory, ScheduledExecutorService timer) {
    this.baseThreads = baseThreads;
    this.timer = timer;
    this.threads = new ThreadPoolExecutor(baseThreads, baseThreads, 1, TimeUnit.MINUTES,
        new LinkedBlockingQueue<>(), factory);
    this.threads.allowCoreThreadTimeOut(true);
  }

  @Override
  public void execute(Runnable task) {
    threads.execute(task);
    if (!watching.get() && watching.compareAndSet(false, true)) {
      completedAtLastCheck = threads.getCompletedTaskCount();
      timer.schedule(this::check, STALL_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** How many threads may run lanes at once now. */
  int threadLimit() {
    return threads.getCorePoolSize();
  }

  private void check() {
    long completed = threads.getCompletedTaskCount();
    boolean stalled = completed == completedAtLastCheck;
    completedAtLastCheck = completed;
    if (threads.getQueue().isEmpty()) {
      if (threads.getCorePoolSize() > baseThreads) {
        threads.setCorePoolSize(baseThreads); // the extra threads end when next idle
      }
      watching.set(false);
      // A task queued between the look at the queue and the reset found the flag still set.
      if (threads.getQueue().isEmpty() || !watching.compareAndSet(false, true)) {
        return;
      }
    } else if (stalled) {
      int grown = threads.getCorePoolSize() + 1;
      threads.setMaximumPoolSize(Math.max(grown, threads.getMaximumPoolSize()));
      threads.setCorePoolSize(grown); // starts a thread for the queued work
    }
    timer.schedule(this::check, STALL_MILLIS, TimeUnit.MILLISECONDS);
  }
}
