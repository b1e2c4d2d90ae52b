package dev.natter.chat.websocket;

import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.tck.TransportConformanceTest;
import java.time.Duration;

/** The WebSocket transport passes the conformance suite over real sockets on 127.0.0.1. */
class WebSocketTransportConformanceTest extends TransportConformanceTest {

  @Override
  protected ServerTransport newServerTransport() {
    return WebSocketServerTransport.forPort(0).build();
  }

  @Override
  protected ClientTransport newClientTransport(ServerTransport server) {
    return WebSocketClientTransport.forUri(((WebSocketServerTransport) server).uri())
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }
}
