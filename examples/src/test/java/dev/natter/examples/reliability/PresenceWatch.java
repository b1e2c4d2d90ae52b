package dev.natter.examples.reliability;

import dev.natter.chat.ChatListener;
import dev.natter.chat.Presence;
import dev.natter.chat.Welcome;
import java.util.ArrayList;
import java.util.List;

/**
 * What one client's listener saw besides messages: every presence event and every welcome, in order.
 * A test takes a {@link #mark()} before a fault and looks at what came {@linkplain #presenceSince after}.
 */
final class PresenceWatch implements ChatListener {
  private final List<Presence> presence = new ArrayList<>();
  private final List<Welcome> welcomes = new ArrayList<>();

  @Override
  public synchronized void onPresence(Presence event) {
    presence.add(event);
  }

  @Override
  public synchronized void onConnected(Welcome welcome) {
    welcomes.add(welcome);
  }

  /** A mark: how many presence events and welcomes came so far. */
  synchronized Mark mark() {
    return new Mark(presence.size(), welcomes.size());
  }

  /** The presence events after {@code mark}, in order. */
  synchronized List<Presence> presenceSince(Mark mark) {
    return List.copyOf(presence.subList(mark.presence(), presence.size()));
  }

  /** The welcomes after {@code mark}, in order. */
  synchronized List<Welcome> welcomesSince(Mark mark) {
    return List.copyOf(welcomes.subList(mark.welcomes(), welcomes.size()));
  }

  /** A point in what the listener saw. */
  record Mark(int presence, int welcomes) {}
}
