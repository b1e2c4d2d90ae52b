package dev.natter.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of a failed chat operation: a stable {@link Code}, a human-readable message and, for
 * {@link Code#RATE_LIMITED}, how long to wait before trying again.
 *
 * <p>This is Natter's one error vocabulary. The server sends it as an {@code error} frame, the client
 * turns it into a {@link ChatException}, and the engine and stores throw it the same way.
 *
 * @param code the stable code; never {@code null}
 * @param message a description for people, never containing secrets; never {@code null}
 * @param retryAfter for {@link Code#RATE_LIMITED}, when a retry may succeed; otherwise {@code null}
 */
public record ChatStatus(Code code, String message, Duration retryAfter) {

  /** Validates the components. */
  public ChatStatus {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
    }
  }

  /** Returns a status with the given code and message and no retry hint. */
  public static ChatStatus of(Code code, String message) {
    return new ChatStatus(code, message, null);
  }

  /** Returns this status with a retry hint. */
  public ChatStatus withRetryAfter(Duration retryAfter) {
    return new ChatStatus(code, message, retryAfter);
  }

  /** Returns an exception carrying this status, ready to throw. */
  public ChatException asException() {
    return new ChatException(this);
  }

  /**
   * The stable error codes of the wire protocol (PROTOCOL.md section 7), plus {@link #UNAVAILABLE}
   * which only a client produces.
   */
  public enum Code {
    /** Not a JSON object, an unknown type, a missing or mistyped field, blank text, a bad id. */
    BAD_REQUEST("bad_request"),
    /** A frame other than {@code hello} before {@code welcome}. */
    NOT_AUTHENTICATED("not_authenticated"),
    /** The authenticator refused the credentials. */
    AUTH_FAILED("auth_failed"),
    /** The name is held by another session (anonymous names). */
    NAME_TAKEN("name_taken"),
    /** A user or room name outside the rules. */
    INVALID_NAME("invalid_name"),
    /** {@code hello} asked for a protocol version the server lacks. */
    UNSUPPORTED_VERSION("unsupported_version"),
    /** Send, leave or history for a room the session is not in. */
    NOT_MEMBER("not_member"),
    /** Refused by an authorization rule, or a direct room of others. */
    FORBIDDEN("forbidden"),
    /** A direct message to a user the server has never seen. */
    NOT_FOUND("not_found"),
    /** Text over the limit. */
    TOO_LARGE("too_large"),
    /** Over the send rate; {@link ChatStatus#retryAfter()} says when to retry. */
    RATE_LIMITED("rate_limited"),
    /** A server fault; the request had no effect. */
    INTERNAL("internal"),
    /**
     * Client side only, never sent by a server: the client is not connected, was closed, or lost its
     * connection before the answer came. Whether the request took effect is unknown.
     */
    UNAVAILABLE("unavailable");

    private final String wireName;

    Code(String wireName) {
      this.wireName = wireName;
    }

    /** The code as it appears in an {@code error} frame, for example {@code "rate_limited"}. */
    public String wireName() {
      return wireName;
    }

    /**
     * Returns the code with the given wire name. A name this version does not know (a newer server)
     * maps to {@link #INTERNAL}, so a client never fails on an unexpected code.
     */
    public static Code fromWireName(String wireName) {
      for (Code code : values()) {
        if (code.wireName.equals(wireName)) {
          return code;
        }
      }
      return INTERNAL;
    }
  }
}
