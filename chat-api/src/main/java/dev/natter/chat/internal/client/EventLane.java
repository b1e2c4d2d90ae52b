package dev.natter.chat.internal.client;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The order of a client's listener calls: events are queued (under the client's lock, so in the order
 * its state changed) and run one at a time by whichever thread drains the lane, on that thread. Like
 * gRPC's {@code SynchronizationContext}: the transport's delivery thread usually drains what it queued
 * itself, so a slow listener still slows the connection's reading, as it should.
 */
final class EventLane {
  private static final System.Logger LOG = System.getLogger(EventLane.class.getName());

  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Thread> drainer = new AtomicReference<>();

  /** Queues a listener call. */
  void enqueue(Runnable event) {
    queue.add(event);
  }

  /**
   * Runs the queued events on this thread, unless another thread (or this one, further up its stack)
   * is already running them: then it returns at once, and that thread runs them.
   */
  void drain() {
    do {
      if (!drainer.compareAndSet(null, Thread.currentThread())) {
        return;
      }
      try {
        Runnable event;
        while ((event = queue.poll()) != null) {
          try {
            event.run();
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a ChatListener threw; ignored", e);
          }
        }
      } finally {
        drainer.set(null);
      }
      // An event queued after the last poll but before the drainer was cleared.
    } while (!queue.isEmpty());
  }
}
