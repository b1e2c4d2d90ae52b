package dev.natter.chat.inmemory.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The faults one client transport injects into its connections, the open ones and those it opens later.
 * Behind the public {@code Faults} handle. Thread-safe.
 */
public final class FaultPlan {
  private static final System.Logger LOG = System.getLogger(FaultPlan.class.getName());
  private static final Supplier<Duration> NO_DELAY = () -> Duration.ZERO;
  /** Longer than any test; keeps the lane's nanosecond arithmetic far from overflow. */
  private static final Duration MAX_DELAY = Duration.ofDays(365);

  private final Set<InMemoryConnection> open = ConcurrentHashMap.newKeySet();
  private volatile boolean readingStalled;
  private volatile Supplier<Duration> delayToClient = NO_DELAY;
  private volatile Supplier<Duration> delayToServer = NO_DELAY;

  /** Cuts every open connection. */
  public int dropAll() {
    // Counted by what each abort found: one whose sides both heard the end a moment ago may still be
    // listed, until the thread that told them finishes.
    int cut = 0;
    for (InMemoryConnection connection : List.copyOf(open)) {
      if (connection.abort()) {
        cut++;
      }
    }
    return cut;
  }

  /** Holds the frames to the clients until {@link #resumeReading()}. */
  public void stallReading() {
    readingStalled = true;
  }

  /** Delivers what was held, and lets frames through again. */
  public void resumeReading() {
    readingStalled = false;
    open.forEach(InMemoryConnection::readingResumed);
  }

  /** Delays each frame to the client by what {@code delay} says for it. */
  public void delayToClient(Supplier<Duration> delay) {
    delayToClient = Objects.requireNonNull(delay, "delay");
  }

  /** Delays each frame to the server by what {@code delay} says for it. */
  public void delayToServer(Supplier<Duration> delay) {
    delayToServer = Objects.requireNonNull(delay, "delay");
  }

  /** Frames sent from now on are not delayed (they still arrive after those sent before). */
  public void clearDelays() {
    delayToClient = NO_DELAY;
    delayToServer = NO_DELAY;
  }

  boolean readingStalled() {
    return readingStalled;
  }

  Duration nextDelayToClient() {
    return ask(delayToClient);
  }

  Duration nextDelayToServer() {
    return ask(delayToServer);
  }

  void opened(InMemoryConnection connection) {
    open.add(connection);
  }

  void ended(InMemoryConnection connection) {
    open.remove(connection);
  }

  @Override
  public String toString() {
    return open.size() + " open" + (readingStalled ? ", reading stalled" : "")
        + (delayToClient != NO_DELAY || delayToServer != NO_DELAY ? ", delayed" : "");
  }

  /** A send never throws: a delay function that fails or answers nonsense means no delay. */
  private static Duration ask(Supplier<Duration> delay) {
    try {
      Duration answer = delay.get();
      if (answer == null || answer.isNegative()) {
        return Duration.ZERO;
      }
      return answer.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : answer;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a frame delay function threw; no delay for this frame", e);
      return Duration.ZERO;
    }
  }
}
