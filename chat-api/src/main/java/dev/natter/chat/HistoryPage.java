package dev.natter.chat;

import java.util.List;
import java.util.Objects;

/**
 * A page of a room's history.
 *
 * @param room the room
 * @param epoch the name of the room's log
 * @param messages the messages, oldest first
 * @param more whether further messages exist in the page's direction (older for latest and before,
 *     newer for after)
 */
public record HistoryPage(String room, String epoch, List<ChatMessage> messages, boolean more) {

  /** Validates the components and copies the list. */
  public HistoryPage {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(epoch, "epoch");
    messages = List.copyOf(messages);
  }
}
