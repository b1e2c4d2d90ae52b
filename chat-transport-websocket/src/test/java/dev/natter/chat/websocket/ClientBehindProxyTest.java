package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatServer;
import dev.natter.chat.tck.reliability.TcpProxy;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The Java client reaches a server through a proxy or load balancer, whose address is not the
 * server's: it sends no {@code Origin} (it is not a browser), so the origin check lets it in.
 */
class ClientBehindProxyTest {

  @Test
  void aClientConnectsThroughAProxyOnAnotherPort() throws IOException {
    WebSocketServerTransport transport = WebSocketServerTransport.forPort(0).build();
    try (ChatServer server = ChatServer.builder(transport).build().start();
        TcpProxy proxy = TcpProxy.to("127.0.0.1", transport.port());
        ChatClient alice = ChatClient.builder(WebSocketClientTransport
                .forUri(URI.create("ws://127.0.0.1:" + proxy.port() + "/chat")).build())
            .name("alice")
            .build()) {
      alice.connect().join();

      alice.join("general").join();

      assertThat(server.members("general")).extracting("id").containsExactly("alice");
      assertThat(proxy.accepted()).isEqualTo(1);
    }
  }
}
