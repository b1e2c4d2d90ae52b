package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.tck.TransportConformanceTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket transport passes the conformance suite with every frame gathered by the sockets' I/O
 * threads (the mode a loaded server switches to), as it does writing each frame at once.
 */
class WebSocketGatheredWritesConformanceTest extends TransportConformanceTest {

  @Override
  protected ServerTransport newServerTransport() {
    return WebSocketServerTransport.forPort(0).gatherWritesAbove(0).build();
  }

  @Test
  void aNegativeRateIsRefused() {
    assertThatThrownBy(() -> WebSocketServerTransport.forPort(0).gatherWritesAbove(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gatherWritesAbove");
  }

  @Override
  protected ClientTransport newClientTransport(ServerTransport server) {
    return WebSocketClientTransport.forUri(((WebSocketServerTransport) server).uri())
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }
}
