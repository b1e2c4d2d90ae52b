package dev.natter.chat.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * A serial lane runs its tasks one at a time in order, and takes turns with the other lanes of its pool:
 * a lane that always has work yields its thread after {@link SerialExecutor#MAX_TASKS_PER_TURN} tasks.
 */
class SerialExecutorTest {
  /** A pool of one thread played by the test: it runs queued work in order when told. */
  private final Queue<Runnable> pool = new ArrayDeque<>();
  private final Executor onePool = pool::add;
  private final List<String> ran = Collections.synchronizedList(new ArrayList<>());

  private void runPool() {
    Runnable next;
    while ((next = pool.poll()) != null) {
      next.run();
    }
  }

  @Test
  void tasksRunInSubmissionOrder() {
    SerialExecutor lane = new SerialExecutor(onePool);
    for (int i = 0; i < 5; i++) {
      int n = i;
      lane.execute(() -> ran.add("a" + n));
    }
    runPool();

    assertThat(ran).containsExactly("a0", "a1", "a2", "a3", "a4");
  }

  @Test
  void aBusyLaneLetsAnotherLaneRunAfterATurn() {
    SerialExecutor busy = new SerialExecutor(onePool);
    SerialExecutor quiet = new SerialExecutor(onePool);
    int tasks = SerialExecutor.MAX_TASKS_PER_TURN * 2 + 10;
    for (int i = 0; i < tasks; i++) {
      int n = i;
      busy.execute(() -> ran.add("busy" + n));
    }
    quiet.execute(() -> ran.add("quiet"));

    runPool();

    assertThat(ran).hasSize(tasks + 1);
    assertThat(ran.indexOf("quiet")).as("right after the busy lane's first turn")
        .isEqualTo(SerialExecutor.MAX_TASKS_PER_TURN);
    assertThat(ran.stream().filter(t -> t.startsWith("busy")).toList())
        .as("the busy lane's own order is kept").isSortedAccordingTo(
            (a, b) -> Integer.compare(Integer.parseInt(a.substring(4)), Integer.parseInt(b.substring(4))));
  }

  @Test
  void aFailingTaskDoesNotStopTheLane() {
    SerialExecutor lane = new SerialExecutor(onePool);
    lane.execute(() -> {
      throw new IllegalStateException("boom");
    });
    lane.execute(() -> ran.add("after"));
    runPool();

    assertThat(ran).containsExactly("after");
  }
}
