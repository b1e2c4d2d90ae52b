package dev.natter.chat.tck.reliability;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.JoinResult;
import dev.natter.chat.Recovery;
import dev.natter.chat.SendReceipt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a fault test's clients did and saw, recorded as it happens; thread-safe. Every send gets a text
 * unique in the log ({@link #newSend}), so a delivery names the send it came from whatever {@code mid}
 * and {@code seq} the server gave it.
 *
 * <p>A client's events for one room must be recorded in the order its listener saw them (a
 * {@link dev.natter.chat.ChatListener} is called one event at a time, so recording from it is enough).
 */
public final class DeliveryLog {

  /** What became of a send. */
  public enum Outcome {
    /** No answer yet. */
    PENDING,
    /** Acknowledged with a {@code seq}: the server promised it is stored. */
    ACKED,
    /** Refused with a definite error: the server promised it had no effect. */
    FAILED,
    /** {@code unavailable}: the client does not know whether it was stored. */
    UNKNOWN
  }

  /** One send, identified by its text. */
  public static final class Send {
    private final String client;
    private final String room;
    private final String text;
    private volatile Outcome outcome = Outcome.PENDING;
    private volatile SendReceipt receipt;
    private volatile ChatStatus.Code error;

    Send(String client, String room, String text) {
      this.client = client;
      this.room = room;
      this.text = text;
    }

    /** The client that sent it. */
    public String client() {
      return client;
    }

    /** The room it was sent to. */
    public String room() {
      return room;
    }

    /** Its text, unique in the log. */
    public String text() {
      return text;
    }

    /** What became of it so far. */
    public Outcome outcome() {
      return outcome;
    }

    /** The server's acknowledgement, when {@link Outcome#ACKED}. */
    public SendReceipt receipt() {
      return receipt;
    }

    /** The error code, when {@link Outcome#FAILED} or {@link Outcome#UNKNOWN}. */
    public ChatStatus.Code error() {
      return error;
    }

    /** Records the send's future's result: a receipt, or the failure it completed with. */
    public void completed(SendReceipt receipt, Throwable failure) {
      if (failure == null) {
        this.receipt = Objects.requireNonNull(receipt, "receipt");
        this.outcome = Outcome.ACKED;
        return;
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      ChatStatus.Code code = cause instanceof ChatException chat
          ? chat.status().code() : ChatStatus.Code.UNAVAILABLE;
      this.error = code;
      // Only unavailable leaves the outcome open; every code the server sends means "no effect".
      this.outcome = code == ChatStatus.Code.UNAVAILABLE ? Outcome.UNKNOWN : Outcome.FAILED;
    }

    @Override
    public String toString() {
      return text + " " + outcome + (receipt != null ? " seq " + receipt.seq() : "")
          + (error != null ? " " + error.wireName() : "");
    }
  }

  /** Something a client saw in a room, in the order it saw it. */
  sealed interface Event permits Joined, Delivered, Gap {}

  /** The client joined the room when its latest message was {@code seq}. */
  record Joined(long seq) implements Event {}

  /** The client's listener got a message. */
  record Delivered(ChatMessage message) implements Event {}

  /** The client was told it may have missed the messages after {@code from} up to {@code to}. */
  record Gap(long from, long to) implements Event {}

  /** A client's view of one room: what it saw, and whether it stopped looking. */
  static final class Observer {
    final String client;
    final String room;
    final List<Event> events = new ArrayList<>();
    volatile boolean stopped;

    Observer(String client, String room) {
      this.client = client;
      this.room = room;
    }

    synchronized List<Event> events() {
      return List.copyOf(events);
    }

    synchronized void add(Event event) {
      events.add(event);
    }
  }

  private final Map<String, Send> sends = new ConcurrentHashMap<>();
  private final Map<String, Observer> observers = new ConcurrentHashMap<>();
  private final Map<String, List<ChatMessage>> stores = new ConcurrentHashMap<>();
  private final AtomicLong sendCount = new AtomicLong();

  /**
   * Records a send about to be made and returns it with its unique text: {@code client#n} followed by
   * {@code padding} characters, so a test chooses the size of its messages.
   */
  public Send newSend(String client, String room, int padding) {
    String text = client + "#" + sendCount.incrementAndGet() + (padding > 0 ? " " + "x".repeat(padding) : "");
    Send send = new Send(client, room, text);
    sends.put(text, send);
    return send;
  }

  /** Records that {@code client} joined {@code room}: it is expected to see every later message. */
  public void joined(String client, JoinResult result) {
    observer(client, result.room()).add(new Joined(result.seq()));
  }

  /** Records a message {@code client}'s listener got. */
  public void delivered(String client, ChatMessage message) {
    observer(client, message.room()).add(new Delivered(message));
  }

  /** Records a recovery {@code client}'s listener got: a gap when it did not recover. */
  public void recovery(String client, Recovery recovery) {
    if (!recovery.recovered()) {
      observer(client, recovery.room()).add(new Gap(recovery.since().seq(), recovery.latest().seq()));
    }
  }

  /**
   * Records that {@code client} stopped looking (closed, or was killed): it is no longer expected to see
   * messages after the last one it saw.
   */
  public void stopped(String client) {
    observers.values().stream().filter(o -> o.client.equals(client)).forEach(o -> o.stopped = true);
  }

  /**
   * Records that {@code client} left {@code room}: it is no longer expected to see the room's messages
   * after the last one it saw.
   */
  public void left(String client, String room) {
    observer(client, room).stopped = true;
  }

  /** Records what the store holds for {@code room} at the end, oldest first, to check it too. */
  public void storeHolds(String room, List<ChatMessage> messages) {
    stores.put(room, List.copyOf(messages));
  }

  /** Every send so far. */
  public List<Send> sends() {
    return List.copyOf(sends.values());
  }

  /** Whether every send has an outcome: none is still waiting for its answer. */
  public boolean allSendsAnswered() {
    return sends.values().stream().noneMatch(s -> s.outcome() == Outcome.PENDING);
  }

  /**
   * Waits until nothing is still in flight: every send answered, and every client still looking saw
   * (or was told it may have missed) every message known to be stored in its rooms. Returns whether that
   * happened within {@code timeout}; the verdict then says what is missing.
   */
  public boolean awaitSettled(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!(allSendsAnswered() && DeliveryChecker.check(this).settled())) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20); // polling a condition, with a deadline
    }
    return true;
  }

  Map<String, Send> sendsByText() {
    return Map.copyOf(sends);
  }

  List<Observer> observers() {
    return List.copyOf(observers.values());
  }

  Map<String, List<ChatMessage>> stores() {
    return Map.copyOf(stores);
  }

  private Observer observer(String client, String room) {
    return observers.computeIfAbsent(client + "\u0000" + room, key -> new Observer(client, room));
  }
}
