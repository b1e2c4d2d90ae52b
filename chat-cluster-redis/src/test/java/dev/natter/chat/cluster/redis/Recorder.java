package dev.natter.chat.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.spi.cluster.ClusterListener;
import dev.natter.chat.spi.cluster.PresenceChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A {@link ClusterListener} that records what it hears, with the thread it heard it on. */
final class Recorder implements ClusterListener {
  /** A bound on waiting for what must happen soon; generous, for a loaded machine. */
  static final Duration DEADLINE = Duration.ofSeconds(30);

  /** One callback: its kind, its argument, and the name of the thread it ran on. */
  record Event(String kind, Object value, String thread) {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

  @Override
  public void messageArrived(ChatMessage message) {
    record("message", message);
  }

  @Override
  public void presenceArrived(PresenceChange change) {
    record("presence", change);
  }

  @Override
  public void sessionTakenOver(String sessionId) {
    record("takenOver", sessionId);
  }

  @Override
  public void userDisconnected(String userId) {
    record("disconnected", userId);
  }

  @Override
  public void sessionsLost(Collection<String> sessionIds) {
    record("lost", List.copyOf(sessionIds));
  }

  @Override
  public void catchUp() {
    record("catchUp", null);
  }

  private void record(String kind, Object value) {
    events.add(new Event(kind, value, Thread.currentThread().getName()));
  }

  /** The next event; fails when none comes within the deadline. */
  Event next() throws InterruptedException {
    Event event = events.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(event).as("an event within " + DEADLINE).isNotNull();
    return event;
  }

  /**
   * Every event up to the first that matches {@code last}, that one included; fails when it does not
   * come within the deadline.
   */
  List<Event> until(Predicate<Event> last) throws InterruptedException {
    List<Event> seen = new ArrayList<>();
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      Event event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertThat(event).as("waiting for the last event, after " + seen).isNotNull();
      seen.add(event);
      if (last.test(event)) {
        return seen;
      }
    }
  }

  /** Every event up to the arrival of the message with this mid, the marker excluded. */
  List<Event> untilMarker(String mid) throws InterruptedException {
    List<Event> seen = until(e -> e.value() instanceof ChatMessage m && m.mid().equals(mid));
    return seen.subList(0, seen.size() - 1);
  }

  /** Whether nothing was recorded and not yet taken. */
  boolean isEmpty() {
    return events.isEmpty();
  }
}
