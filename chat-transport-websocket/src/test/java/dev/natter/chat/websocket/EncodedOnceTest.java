package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natter.chat.ChatServer;
import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.ServerTransportListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A broadcast is encoded to JSON once, whatever the number of recipients (issue 3). */
class EncodedOnceTest {

  @Test
  void oneMessageToTenMembersIsPreparedOnce() throws IOException {
    WebSocketServerTransport socket = WebSocketServerTransport.forPort(0).build();
    CountingTransport counting = new CountingTransport(socket);
    List<JdkSocket> members = new ArrayList<>();
    ChatServer server = ChatServer.builder(counting).build().start();
    try {
      for (int i = 0; i < 10; i++) {
        JdkSocket member = JdkSocket.open(socket.uri());
        members.add(member);
        member.hello("member" + i);
        member.send("{\"type\":\"join\",\"id\":\"j\",\"room\":\"general\"}");
        member.next("joined");
      }
      int before = counting.messageEvents.get();

      members.get(0).send("{\"type\":\"send\",\"id\":\"s\",\"room\":\"general\",\"text\":\"to all\"}");

      for (JdkSocket member : members) {
        assertThat(nextMessage(member).get("text").asText()).isEqualTo("to all");
      }
      assertThat(counting.messageEvents.get() - before).isEqualTo(1);
    } finally {
      members.forEach(JdkSocket::close);
      server.close();
    }
  }

  private static JsonNode nextMessage(JdkSocket socket) {
    while (true) {
      JsonNode frame = socket.next();
      if (frame.path("type").asText().equals("message")) {
        return frame;
      }
    }
  }

  /** Passes everything through and counts the message events it is asked to encode. */
  private static final class CountingTransport implements ServerTransport {
    private final ServerTransport delegate;
    final AtomicInteger messageEvents = new AtomicInteger();

    CountingTransport(ServerTransport delegate) {
      this.delegate = delegate;
    }

    @Override
    public void start(ServerTransportListener listener) throws IOException {
      delegate.start(listener);
    }

    @Override
    public PreparedFrame prepare(ServerFrame frame) {
      if (frame instanceof ServerFrame.MessageEvent) {
        messageEvents.incrementAndGet();
      }
      return delegate.prepare(frame);
    }

    @Override
    public void stopAccepting() {
      delegate.stopAccepting();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
