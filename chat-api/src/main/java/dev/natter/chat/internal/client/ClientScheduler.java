package dev.natter.chat.internal.client;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A client's timers and clock: the shared timer thread, or a manual one in tests. */
interface ClientScheduler {

  /** Runs {@code task} once after {@code delay}. */
  Timer schedule(Runnable task, Duration delay);

  /** The current time, for deadlines; like {@link System#nanoTime()}. */
  long nanoTime();

  /** A scheduled task. */
  interface Timer {
    /** Cancels the task, if it has not run. */
    void cancel();
  }

  /** The shared daemon timer thread and {@link System#nanoTime()}. */
  static ClientScheduler system() {
    return SystemScheduler.INSTANCE;
  }

  /** See {@link #system()}. */
  enum SystemScheduler implements ClientScheduler {
    INSTANCE;

    @Override
    public Timer schedule(Runnable task, Duration delay) {
      ScheduledFuture<?> future = Timers.SCHEDULER.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    }

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }
  }
}
