package dev.natter.chat.inmemory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.internal.DaemonThreads;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Blocked threads cannot starve queued work, and the pool goes back to its size when the queue is empty. */
class ElasticPoolTest {
  private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, new DaemonThreads("test-timer"));
  private final ElasticPool pool = new ElasticPool(2, new DaemonThreads("test-pool"), timer);
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    timer.shutdownNow();
  }

  @Test
  void workQueuedBehindBlockedThreadsStillRuns() throws InterruptedException {
    CountDownLatch blocked = new CountDownLatch(2);
    for (int i = 0; i < 2; i++) {
      pool.execute(() -> {
        blocked.countDown();
        awaitQuietly(release);
      });
    }
    assertThat(blocked.await(5, TimeUnit.SECONDS)).as("both threads are blocked").isTrue();

    CountDownLatch ran = new CountDownLatch(1);
    pool.execute(ran::countDown);

    assertThat(ran.await(5, TimeUnit.SECONDS)).as("the queued task ran on an added thread").isTrue();
    assertThat(pool.threadLimit()).isGreaterThan(2);
  }

  @Test
  void shrinksBackOnceTheQueueIsEmpty() throws InterruptedException {
    CountDownLatch blocked = new CountDownLatch(2);
    for (int i = 0; i < 2; i++) {
      pool.execute(() -> {
        blocked.countDown();
        awaitQuietly(release);
      });
    }
    assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
    CountDownLatch ran = new CountDownLatch(1);
    pool.execute(ran::countDown);
    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();

    release.countDown();

    awaitTrue(() -> pool.threadLimit() == 2, "the limit is back to 2");
  }

  @Test
  void runsEveryTaskOnce() throws InterruptedException {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(10_000);
    for (int i = 0; i < 10_000; i++) {
      pool.execute(() -> {
        runs.incrementAndGet();
        done.countDown();
      });
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(runs).hasValue(10_000);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // Polls a condition the pool reaches on its timer; fails after 5 s.
  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as(what).isNegative();
      Thread.sleep(5);
    }
  }
}
