package dev.natter.examples.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Calls {@code POST /register} and {@code POST /login} of a server with the JDK's HTTP client (HTTP/1.1),
 * as a page or a script would.
 */
public final class AccountsClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(JsonSocket.TIMEOUT)
      .build();

  /**
   * An answer.
   *
   * @param status the HTTP status
   * @param contentType the Content-Type header, or "" when none
   * @param body the body
   */
  public record Reply(int status, String contentType, String body) {
    /** The body as JSON. */
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    /** The {@code token} of a successful register or login. */
    public String token() {
      return json().path("token").asText();
    }
  }

  private final URI base;

  /** A client of the server at {@code base}, such as {@code http://127.0.0.1:PORT}. */
  public AccountsClient(URI base) {
    this.base = base;
  }

  /** A client of the server whose chat is at {@code chatUri} ({@code ws://HOST:PORT/chat}). */
  public static AccountsClient forChat(URI chatUri) {
    return new AccountsClient(URI.create("http://" + chatUri.getRawAuthority()));
  }

  /** {@code POST /register} with this name and password as JSON. */
  public Reply register(String name, String password) {
    return post("/register", "application/json", credentials(name, password));
  }

  /** {@code POST /login} with this name and password as JSON. */
  public Reply login(String name, String password) {
    return post("/login", "application/json", credentials(name, password));
  }

  /** A POST with any body and content type ({@code null} for none). */
  public Reply post(String path, String contentType, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
        .timeout(JsonSocket.TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.headers().firstValue("content-type").orElse(""),
          response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** {@code {"name": ..., "password": ...}}, escaped by Jackson. */
  public static String credentials(String name, String password) {
    ObjectNode body = JSON.createObjectNode();
    body.put("name", name);
    body.put("password", password);
    return body.toString();
  }
}
