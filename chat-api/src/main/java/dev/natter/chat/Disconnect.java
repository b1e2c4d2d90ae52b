package dev.natter.chat;

import java.util.Objects;

/**
 * A client's connection ended.
 *
 * @param code the WebSocket close code (PROTOCOL.md section 7), for example 1000 normal, 1001 server
 *     shutting down, 1006 lost, 4009 too slow to read
 * @param reason the close reason, possibly empty
 */
public record Disconnect(int code, String reason) {

  /** Validates the components. */
  public Disconnect {
    Objects.requireNonNull(reason, "reason");
  }
}
