package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.Limits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Abuse of the HTTP upgrade. A connection that keeps the server waiting for its request (a slowloris
 * trickling its upgrade, a socket that says nothing, an HTTP connection kept alive after its answer) is
 * closed after the handshake timeout ({@link WebSocketServerTransport.Builder#handshakeTimeout}); a
 * WebSocket, once upgraded, is not subject to it. An upgrade with headers that break RFC 6455 gets a
 * complete 426 or 400 and is closed. Meanwhile alice and bob, chatting in {@code general}, notice
 * nothing.
 */
class HandshakeAbuseTest {
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);
  /** One byte this often: the whole upgrade request takes several times the timeout. */
  private static final Duration TRICKLE_PACE = Duration.ofMillis(50);

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private Bystanders chat;

  @BeforeEach
  void start() {
    chat = Bystanders.start(WebSocketServerTransport.forPort(0).handshakeTimeout(HANDSHAKE_TIMEOUT).build(),
        Limits.defaults());
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
    chat.close();
  }

  @Test
  void anUpgradeTrickledSlowerThanTheTimeoutIsClosedWhileOthersAreServed() throws Exception {
    JdkSocket carol = chat.connect("carol"); // upgraded before the slowloris came, so older than it
    byte[] request = upgradeRequest().getBytes(StandardCharsets.US_ASCII);
    assertThat(TRICKLE_PACE.multipliedBy(request.length)).isGreaterThan(HANDSHAKE_TIMEOUT.multipliedBy(3));
    try (Socket slowloris = connect()) {
      Future<String> end = threads.submit(() -> readToEnd(slowloris));
      Future<Integer> trickled = threads.submit(() -> trickle(slowloris, request, end));

      // Meanwhile the server serves others, a new client's handshake included.
      chat.assertStillChatting();
      chat.connect("dave");

      assertThat(end.get(JdkSocket.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
          .as("what the server sent before closing").isEmpty();
      assertThat(trickled.get(JdkSocket.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
          .as("bytes sent before the server closed").isLessThan(request.length);
    }
    BadInputTest.assertStillOpen(carol);
    chat.assertStillChatting();
  }

  @Test
  void aSocketThatSendsNothingIsClosed() throws Exception {
    try (Socket silent = connect()) {
      assertThat(readToEnd(silent)).isEmpty();
    }
    chat.assertStillChatting();
  }

  @Test
  void anHttpConnectionKeptAliveAfterItsAnswerIsClosedWhenNoNextRequestComes() throws Exception {
    try (Socket http = connect()) {
      OutputStream out = http.getOutputStream();
      out.write("GET /nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // The 404 comes at once; then the server waits for the next request, but not forever.
      assertThat(readToEnd(http)).startsWith("HTTP/1.1 404");
    }
    chat.assertStillChatting();
  }

  @Test
  void anUpgradeForAnotherVersionGets426AndIsClosed() throws Exception {
    String reply = exchange(upgradeRequest().replace("Version: 13", "Version: 8"));
    assertThat(reply).startsWith("HTTP/1.1 426 ").containsIgnoringCase("Sec-WebSocket-Version: 13")
        .containsIgnoringCase("Content-Length: 0");
    chat.assertStillChatting();
  }

  @Test
  void anUpgradeWithoutAProperKeyGets400AndIsClosed() throws Exception {
    String key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    for (String bad : new String[] {"", "Sec-WebSocket-Key: not base64!\r\n", "Sec-WebSocket-Key: c2hvcnQ=\r\n"}) {
      String reply = exchange(upgradeRequest().replace(key, bad));
      assertThat(reply).as("with %s", bad.isEmpty() ? "no key" : bad.strip())
          .startsWith("HTTP/1.1 400 ").containsIgnoringCase("Content-Length: 0");
    }
    chat.assertStillChatting();
  }

  @Test
  void theTimeoutMustBePositive() {
    WebSocketServerTransport.Builder builder = WebSocketServerTransport.forPort(0);
    assertThatThrownBy(() -> builder.handshakeTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("handshakeTimeout");
    assertThatThrownBy(() -> builder.handshakeTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("handshakeTimeout");
    assertThatThrownBy(() -> builder.handshakeTimeout(null)).isInstanceOf(NullPointerException.class);
  }

  /** Sends {@code request} at once and returns all the server sends until it closes the connection. */
  private String exchange(String request) throws IOException {
    try (Socket socket = connect()) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return readToEnd(socket);
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(chat.uri().getHost(), chat.uri().getPort());
    socket.setSoTimeout((int) JdkSocket.TIMEOUT.toMillis());
    return socket;
  }

  private String upgradeRequest() {
    return "GET " + chat.uri().getRawPath() + " HTTP/1.1\r\n"
        + "Host: " + chat.uri().getHost() + ":" + chat.uri().getPort() + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + "\r\n";
  }

  /**
   * Writes {@code request} one byte per {@link #TRICKLE_PACE} until all is sent, the server has closed
   * ({@code end} is done) or a write fails; returns how many bytes were written.
   */
  private static int trickle(Socket socket, byte[] request, Future<?> end) throws InterruptedException {
    int sent = 0;
    try {
      OutputStream out = socket.getOutputStream();
      while (sent < request.length && !end.isDone()) {
        out.write(request[sent]);
        out.flush();
        sent++;
        Thread.sleep(TRICKLE_PACE.toMillis()); // the pacing is the point of the test
      }
    } catch (IOException e) {
      // The server closed the connection: trickling is over.
    }
    return sent;
  }

  /**
   * Everything the server sends until it closes the connection (end of stream, or a reset); fails if it
   * has not closed within {@link JdkSocket#TIMEOUT}.
   */
  private static String readToEnd(Socket socket) {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[1024];
    try {
      InputStream in = socket.getInputStream();
      int read;
      while ((read = in.read(buffer)) >= 0) {
        received.write(buffer, 0, read);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close within " + JdkSocket.TIMEOUT + "; it sent: "
          + received.toString(StandardCharsets.ISO_8859_1), e);
    } catch (SocketException e) {
      // A reset: closed while a byte of ours was unread. Closed all the same.
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }
}
