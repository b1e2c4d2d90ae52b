package dev.natter.chat.websocket;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An {@link HttpRoute}'s answer.
 *
 * @param status the HTTP status, 100 to 599
 * @param contentType the body's media type
 * @param body the body
 */
public record HttpReply(int status, String contentType, byte[] body) {

  /** Validates the components. */
  public HttpReply {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    Objects.requireNonNull(contentType, "contentType");
    body = body.clone();
  }

  /** A JSON body ({@code application/json; charset=utf-8}). */
  public static HttpReply json(int status, String json) {
    return new HttpReply(status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
  }

  /** A plain text body. */
  public static HttpReply text(int status, String text) {
    return new HttpReply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  /** The body, a copy. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public String toString() {
    return "HttpReply[" + status + ", " + contentType + ", " + body.length + " bytes]";
  }
}
