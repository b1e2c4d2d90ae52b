package dev.natter.chat;

import java.time.Instant;
import java.util.Objects;

/**
 * The server's acknowledgement of a send: the message is stored (with a durable store, on disk).
 *
 * @param room the room it was stored in ({@code dm:a:b} for a direct message)
 * @param seq its sequence number there
 * @param mid its message id
 * @param ts the server's time of storing it
 */
public record SendReceipt(String room, long seq, String mid, Instant ts) {

  /** Validates the components. */
  public SendReceipt {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(mid, "mid");
    Objects.requireNonNull(ts, "ts");
  }
}
