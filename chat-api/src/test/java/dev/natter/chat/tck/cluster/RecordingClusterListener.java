package dev.natter.chat.tck.cluster;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.spi.cluster.ClusterListener;
import dev.natter.chat.spi.cluster.PresenceChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link ClusterListener} that records what a node hears, for tests: take each kind of notice, waiting
 * up to a timeout, in the manner of {@link dev.natter.chat.testing.RecordingListener}. A take may pick
 * the first notice that matches a condition and leave the others, since the cluster promises no order.
 * A take that times out throws {@link AssertionError} naming what was heard instead.
 *
 * <p>It also remembers the threads its callbacks ran on, so that a test can check that none ran on the
 * thread of a directory call. Thread-safe.
 */
public final class RecordingClusterListener implements ClusterListener {
  private final Recorded<ChatMessage> messages = new Recorded<>("message");
  private final Recorded<PresenceChange> presence = new Recorded<>("presence change");
  private final Recorded<String> takenOver = new Recorded<>("taken-over session");
  private final Recorded<String> disconnected = new Recorded<>("disconnected user");
  private final Recorded<String> lost = new Recorded<>("lost session");
  private final Recorded<Boolean> catchUps = new Recorded<>("catch-up");
  private final Set<Thread> callbackThreads = ConcurrentHashMap.newKeySet();

  /** A listener that heard nothing yet. */
  public RecordingClusterListener() {}

  @Override
  public void messageArrived(ChatMessage message) {
    callbackThreads.add(Thread.currentThread());
    messages.add(message);
  }

  @Override
  public void presenceArrived(PresenceChange change) {
    callbackThreads.add(Thread.currentThread());
    presence.add(change);
  }

  @Override
  public void sessionTakenOver(String sessionId) {
    callbackThreads.add(Thread.currentThread());
    takenOver.add(sessionId);
  }

  @Override
  public void userDisconnected(String userId) {
    callbackThreads.add(Thread.currentThread());
    disconnected.add(userId);
  }

  @Override
  public void sessionsLost(Collection<String> sessionIds) {
    callbackThreads.add(Thread.currentThread());
    sessionIds.forEach(lost::add);
  }

  @Override
  public void catchUp() {
    callbackThreads.add(Thread.currentThread());
    catchUps.add(Boolean.TRUE);
  }

  /** The first message heard and not taken yet, waiting up to {@code timeout}. */
  public ChatMessage takeMessage(Duration timeout) {
    return messages.take(any -> true, timeout, "");
  }

  /** The first message of {@code room} heard and not taken yet, waiting up to {@code timeout}. */
  public ChatMessage takeMessageIn(String room, Duration timeout) {
    return messages.take(message -> message.room().equals(room), timeout, " in " + room);
  }

  /** The first presence change heard and not taken yet, waiting up to {@code timeout}. */
  public PresenceChange takePresence(Duration timeout) {
    return presence.take(any -> true, timeout, "");
  }

  /** The first presence change of {@code room} heard and not taken yet, waiting up to {@code timeout}. */
  public PresenceChange takePresenceIn(String room, Duration timeout) {
    return presence.take(change -> change.presence().room().equals(room), timeout, " in " + room);
  }

  /** The first session heard taken over and not taken yet, waiting up to {@code timeout}. */
  public String takeTakenOver(Duration timeout) {
    return takenOver.take(any -> true, timeout, "");
  }

  /** The first user heard disconnected and not taken yet, waiting up to {@code timeout}. */
  public String takeDisconnected(Duration timeout) {
    return disconnected.take(any -> true, timeout, "");
  }

  /** The first session heard lost and not taken yet, waiting up to {@code timeout}. */
  public String takeLost(Duration timeout) {
    return lost.take(any -> true, timeout, "");
  }

  /** Waits up to {@code timeout} for a catch-up not taken yet, and takes it. */
  public void takeCatchUp(Duration timeout) {
    catchUps.take(any -> true, timeout, "");
  }

  /** Messages heard and not taken, in the order heard. */
  public List<ChatMessage> pendingMessages() {
    return messages.pending();
  }

  /** Presence changes heard and not taken, in the order heard. */
  public List<PresenceChange> pendingPresence() {
    return presence.pending();
  }

  /** Sessions heard taken over and not taken, in the order heard. */
  public List<String> pendingTakenOver() {
    return takenOver.pending();
  }

  /** Users heard disconnected and not taken, in the order heard. */
  public List<String> pendingDisconnected() {
    return disconnected.pending();
  }

  /** Sessions heard lost and not taken, in the order heard. */
  public List<String> pendingLost() {
    return lost.pending();
  }

  /** How many catch-ups were heard and not taken. */
  public int pendingCatchUps() {
    return catchUps.pending().size();
  }

  /** The threads any callback ran on so far. */
  public Set<Thread> callbackThreads() {
    return Set.copyOf(callbackThreads);
  }

  /** One kind of notice: a list that takes wait on. */
  private static final class Recorded<T> {
    private final String what;
    private final List<T> items = new ArrayList<>();

    Recorded(String what) {
      this.what = what;
    }

    synchronized void add(T item) {
      items.add(item);
      notifyAll();
    }

    synchronized List<T> pending() {
      return List.copyOf(items);
    }

    synchronized T take(Predicate<? super T> wanted, Duration timeout, String which) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        for (Iterator<T> it = items.iterator(); it.hasNext(); ) {
          T item = it.next();
          if (wanted.test(item)) {
            it.remove();
            return item;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "no " + what + which + " within " + timeout + "; heard and not taken: " + items);
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for a " + what + which, e);
        }
      }
    }
  }
}
