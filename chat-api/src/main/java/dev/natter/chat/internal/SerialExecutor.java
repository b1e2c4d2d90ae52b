package dev.natter.chat.internal;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in submission order, on a shared executor, without holding a thread while
 * idle. Like gRPC's {@code SerializingExecutor}: it gives each connection its own ordered lane on a
 * common pool.
 */
public final class SerialExecutor implements Executor {
  private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

  /** Tasks a lane runs before it lets the pool's other lanes have the thread. */
  static final int MAX_TASKS_PER_TURN = 64;

  private final Executor delegate;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable drainTask = this::drain; // one per lane, not one per hand-off

  public SerialExecutor(Executor delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(Objects.requireNonNull(task, "task"));
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        delegate.execute(drainTask);
      } catch (RuntimeException e) {
        scheduled.set(false);
        throw e;
      }
    }
  }

  private void drain() {
    try {
      Runnable task;
      int ran = 0;
      // A lane that is never empty must not keep its thread: after a turn it goes to the back of the
      // pool's queue, so that on a small pool one busy connection cannot hold up the others.
      while (ran++ < MAX_TASKS_PER_TURN && (task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          LOG.log(System.Logger.Level.ERROR, "task failed in a serial lane", e);
        }
      }
    } finally {
      scheduled.set(false);
      // A task may have arrived after the last poll but before the flag was cleared.
      if (!tasks.isEmpty()) {
        schedule();
      }
    }
  }
}
