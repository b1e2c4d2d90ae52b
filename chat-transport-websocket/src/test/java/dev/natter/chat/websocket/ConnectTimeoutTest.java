package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.ServerFrame;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The connect timeout covers the handshake: a server that accepts the TCP connection but never answers
 * (a hung or dying process) fails the attempt with the client's own error once the timeout passes.
 */
class ConnectTimeoutTest {

  @Test
  void aServerThatNeverAnswersTheHandshakeFailsTheAttemptAtTheConnectTimeout() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      WebSocketClientTransport transport = WebSocketClientTransport
          .forUri(URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/chat"))
          .connectTimeout(Duration.ofMillis(500))
          .build();

      Throwable failure = catchThrowable(() -> transport.connect(new ClientConnectionListener() {
        @Override
        public void frameReceived(ServerFrame frame) {}

        @Override
        public void closed(int code, String reason) {}
      }).join());

      assertThat(failure).hasRootCauseInstanceOf(IOException.class)
          .rootCause().hasMessageContaining("within 500 ms");
    }
  }
}
