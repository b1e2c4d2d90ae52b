package dev.natter.examples.reliability;

import dev.natter.chat.tck.reliability.CheckedClient;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Senders at a steady pace: each sender sends one message every {@code periodMillis} to one of the
 * rooms picked at random, without waiting for the answers (the client's outbox holds what a lost
 * connection left unanswered). The log of each {@link CheckedClient} records every send and its
 * outcome.
 */
final class Traffic implements AutoCloseable {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "traffic");
    thread.setDaemon(true);
    return thread;
  });

  private Traffic() {}

  /** How a sender sends one message; {@link CheckedClient#send} unless a scenario says otherwise. */
  @FunctionalInterface
  interface Sending {
    void send(CheckedClient sender, String room, int padding);
  }

  /** Starts {@code senders} sending {@code padding}-character messages to {@code rooms}. */
  static Traffic start(List<CheckedClient> senders, List<String> rooms, long periodMillis, int padding) {
    return start(senders, rooms, periodMillis, padding, CheckedClient::send);
  }

  /** As {@link #start(List, List, long, int)}, each message sent by {@code sending}. */
  static Traffic start(List<CheckedClient> senders, List<String> rooms, long periodMillis, int padding,
      Sending sending) {
    Traffic traffic = new Traffic();
    for (CheckedClient sender : senders) {
      traffic.timer.scheduleAtFixedRate(() -> {
        String room = rooms.get(ThreadLocalRandom.current().nextInt(rooms.size()));
        try {
          sending.send(sender, room, padding);
        } catch (RuntimeException e) {
          // recorded as the send's outcome; the traffic goes on
        }
      }, 0, periodMillis, TimeUnit.MILLISECONDS);
    }
    return traffic;
  }

  /** Stops sending and waits for the senders to stop; sends already made go on to their answers. */
  void stop() {
    timer.shutdown();
    try {
      if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the senders did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while stopping the senders", e);
    }
  }

  /** Stops sending, if not stopped yet. */
  @Override
  public void close() {
    stop();
  }
}
