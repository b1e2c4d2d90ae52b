package dev.natter.chat;

import java.util.Objects;

/**
 * One of a user's direct conversations, as {@code welcome} lists them.
 *
 * @param room the direct room, {@code dm:a:b}
 * @param with the other user
 * @param seq the room's latest sequence number
 * @param epoch the name of the room's log
 */
public record DirectConversation(String room, User with, long seq, String epoch) {

  /** Validates the components. */
  public DirectConversation {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(with, "with");
    Objects.requireNonNull(epoch, "epoch");
  }

  /** The cursor of the conversation's latest message. */
  public Cursor cursor() {
    return new Cursor(seq, epoch);
  }
}
