package dev.natter.chat.store.jdbc.internal;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatStatus;

/**
 * The store's failures as callers see them: {@link ChatStatus.Code#INTERNAL} with a message for people
 * that names no SQL, path or credential. The details go to the log and the exception's cause.
 */
final class Failures {
  static final String CLOSED = "history store closed";
  static final String OVERLOADED = "history store overloaded";
  static final String APPEND_FAILED = "history store could not store the message";
  static final String READ_FAILED = "history store could not read";

  private Failures() {}

  static ChatException internal(String message) {
    return ChatStatus.of(ChatStatus.Code.INTERNAL, message).asException();
  }

  static ChatException internal(String message, Throwable cause) {
    return new ChatException(ChatStatus.of(ChatStatus.Code.INTERNAL, message), cause);
  }
}
