package dev.natter.chat.internal.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A {@link ClientScheduler} whose time moves only when the test says, running due tasks on its thread. */
final class ManualScheduler implements ClientScheduler {
  private final List<Task> tasks = new ArrayList<>();
  private long now;
  private long sequence;

  @Override
  public synchronized Timer schedule(Runnable task, Duration delay) {
    Task scheduled = new Task(now + delay.toNanos(), sequence++, task);
    tasks.add(scheduled);
    return () -> {
      synchronized (ManualScheduler.this) {
        tasks.remove(scheduled);
      }
    };
  }

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  /** Moves time forward by {@code delay}, running each task that falls due, in time order. */
  void advance(Duration delay) {
    long until;
    synchronized (this) {
      until = now + delay.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.stream()
            .filter(task -> task.due <= until)
            .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::sequence))
            .orElse(null);
        if (next == null) {
          now = until;
          return;
        }
        tasks.remove(next);
        now = Math.max(now, next.due);
      }
      next.task.run();
    }
  }

  private record Task(long due, long sequence, Runnable task) {}
}
