package dev.natter.chat.testing;

import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ConnectionState;
import dev.natter.chat.Disconnect;
import dev.natter.chat.Presence;
import dev.natter.chat.Recovery;
import dev.natter.chat.Welcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ChatListener} that records every event, for tests: take them one at a time, waiting up to a
 * timeout, like OkHttp's {@code MockWebServer.takeRequest(timeout, unit)}. Each kind of event has its
 * own queue, so taking messages never skips a presence event.
 *
 * <pre>{@code
 * RecordingListener bob = new RecordingListener();
 * ... ChatClient.builder(transport).name("bob").listener(bob).build() ...
 * ChatMessage hello = bob.takeMessage(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>A take that times out throws {@link AssertionError}, failing the test with a clear message.
 * Thread-safe.
 */
public class RecordingListener implements ChatListener {
  private final BlockingQueue<ChatMessage> messages = new LinkedBlockingQueue<>();
  private final BlockingQueue<Presence> presence = new LinkedBlockingQueue<>();
  private final BlockingQueue<Recovery> recoveries = new LinkedBlockingQueue<>();
  private final BlockingQueue<Disconnect> disconnects = new LinkedBlockingQueue<>();
  private final BlockingQueue<Welcome> welcomes = new LinkedBlockingQueue<>();
  private final BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();

  /** Creates a listener with nothing recorded. */
  public RecordingListener() {}

  @Override
  public void onConnected(Welcome welcome) {
    welcomes.add(welcome);
  }

  @Override
  public void onMessage(ChatMessage message) {
    messages.add(message);
  }

  @Override
  public void onPresence(Presence event) {
    presence.add(event);
  }

  @Override
  public void onRecovery(Recovery recovery) {
    recoveries.add(recovery);
  }

  @Override
  public void onDisconnected(Disconnect disconnect) {
    disconnects.add(disconnect);
  }

  @Override
  public void onConnectionState(ConnectionState state) {
    states.add(state);
  }

  /** The next message, waiting up to {@code timeout}. */
  public ChatMessage takeMessage(Duration timeout) {
    return take(messages, timeout, "message");
  }

  /** The next {@code count} messages, waiting up to {@code timeout} for each. */
  public List<ChatMessage> takeMessages(int count, Duration timeout) {
    List<ChatMessage> taken = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      taken.add(take(messages, timeout, "message " + (i + 1) + " of " + count));
    }
    return taken;
  }

  /** The next presence event, waiting up to {@code timeout}. */
  public Presence takePresence(Duration timeout) {
    return take(presence, timeout, "presence event");
  }

  /** The next recovery outcome, waiting up to {@code timeout}. */
  public Recovery takeRecovery(Duration timeout) {
    return take(recoveries, timeout, "recovery");
  }

  /** The next disconnect, waiting up to {@code timeout}. */
  public Disconnect takeDisconnect(Duration timeout) {
    return take(disconnects, timeout, "disconnect");
  }

  /** The next connection state, waiting up to {@code timeout}. */
  public ConnectionState takeConnectionState(Duration timeout) {
    return take(states, timeout, "connection state");
  }

  /**
   * The next connection state of {@code kind}, dropping the states of other kinds before it, waiting
   * up to {@code timeout} for each.
   */
  public ConnectionState takeConnectionState(ConnectionState.Kind kind, Duration timeout) {
    while (true) {
      ConnectionState state = take(states, timeout, kind + " connection state");
      if (state.kind() == kind) {
        return state;
      }
    }
  }

  /** The next welcome, waiting up to {@code timeout}. */
  public Welcome takeWelcome(Duration timeout) {
    return take(welcomes, timeout, "welcome");
  }

  /** Messages received and not yet taken. */
  public List<ChatMessage> pendingMessages() {
    return List.copyOf(messages);
  }

  /** Recovery outcomes received and not yet taken. */
  public List<Recovery> pendingRecoveries() {
    return List.copyOf(recoveries);
  }

  /** Connection states received and not yet taken. */
  public List<ConnectionState> pendingConnectionStates() {
    return List.copyOf(states);
  }

  /** Presence events received and not yet taken. */
  public List<Presence> pendingPresence() {
    return List.copyOf(presence);
  }

  private static <T> T take(BlockingQueue<T> queue, Duration timeout, String what) {
    try {
      T value = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (value == null) {
        throw new AssertionError("no " + what + " within " + timeout);
      }
      return value;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a " + what, e);
    }
  }
}
