package dev.natter.chat;

import java.util.Objects;

/**
 * The one exception of Natter's API: a failed operation, with the {@link ChatStatus} that says why.
 *
 * <p>Client futures fail with it when the server answers {@code error}; the engine and stores throw it
 * to refuse a request. It is unchecked, like gRPC's {@code StatusRuntimeException}.
 */
public final class ChatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ChatStatus status;

  /** Creates an exception carrying the status. */
  public ChatException(ChatStatus status) {
    super(Objects.requireNonNull(status, "status").code().wireName() + ": " + status.message());
    this.status = status;
  }

  /** Creates an exception carrying the status and the fault that caused it. */
  public ChatException(ChatStatus status, Throwable cause) {
    this(status);
    initCause(cause);
  }

  /** The status. */
  public ChatStatus status() {
    return status;
  }

  /** Shorthand for {@code status().code()}. */
  public ChatStatus.Code code() {
    return status.code();
  }
}
