package dev.natter.chat.internal.client;

import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ConnectionState;
import dev.natter.chat.Disconnect;
import dev.natter.chat.Presence;
import dev.natter.chat.Recovery;
import dev.natter.chat.Welcome;
import java.util.ArrayList;
import java.util.List;

/** Every listener call, in one list and in order, as short strings a test compares. */
final class EventLog implements ChatListener {
  private final List<String> events = new ArrayList<>();

  @Override
  public synchronized void onConnected(Welcome welcome) {
    events.add("connected " + (welcome.resumed() ? "resumed" : "fresh"));
  }

  @Override
  public synchronized void onMessage(ChatMessage message) {
    events.add("message " + message.room() + " " + message.seq());
  }

  @Override
  public synchronized void onPresence(Presence presence) {
    events.add("presence " + presence.room() + " " + presence.event() + " " + presence.user().id());
  }

  @Override
  public synchronized void onRecovery(Recovery recovery) {
    events.add("recovery " + recovery.room() + " " + recovery.recovered() + " since "
        + recovery.since().seq() + "@" + recovery.since().epoch() + " latest " + recovery.latest().seq()
        + "@" + recovery.latest().epoch());
  }

  @Override
  public synchronized void onDisconnected(Disconnect disconnect) {
    events.add("disconnected " + disconnect.code());
  }

  @Override
  public synchronized void onConnectionState(ConnectionState state) {
    events.add(switch (state.kind()) {
      case CONNECTING -> "CONNECTING " + state.attempt();
      case CONNECTED -> "CONNECTED";
      case RECONNECTING -> "RECONNECTING " + state.attempt() + " " + state.delay().toMillis() + "ms after "
          + state.disconnect().code();
      case CLOSED -> "CLOSED " + state.disconnect().code();
    });
  }

  /** The events since the last call. */
  synchronized List<String> take() {
    List<String> taken = List.copyOf(events);
    events.clear();
    return taken;
  }
}
