package dev.natter.chat.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.Limits;
import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ServerConnection;
import dev.natter.chat.spi.ServerConnectionListener;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.spi.ServerTransportListener;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The transport alone, without the engine: frames in order, close codes, names. */
class InMemoryTransportTest {
  private final String name = InMemoryServerTransport.generateName();
  private final InMemoryServerTransport server = InMemoryServerTransport.forName(name);
  private final BlockingQueue<Object> serverEvents = new LinkedBlockingQueue<>();
  private final BlockingQueue<ServerConnection> serverConnections = new LinkedBlockingQueue<>();
  private final BlockingQueue<Object> clientEvents = new LinkedBlockingQueue<>();

  @AfterEach
  void closeServer() {
    server.close();
  }

  @Test
  void framesTravelInOrderBothWays() throws Exception {
    ClientConnection client = startAndConnect();
    ServerConnection serverSide = take(serverConnections, ServerConnection.class);
    for (int i = 0; i < 500; i++) {
      client.send(new ClientFrame.Ping("c" + i));
      serverSide.send(server.prepare(new ServerFrame.Pong("s" + i)), () -> {});
    }
    for (int i = 0; i < 500; i++) {
      assertThat(take(serverEvents, ClientFrame.Ping.class).id()).isEqualTo("c" + i);
      assertThat(take(clientEvents, ServerFrame.Pong.class).id()).isEqualTo("s" + i);
    }
  }

  @Test
  void aServerCloseReachesTheClientAfterTheFramesBeforeIt() throws Exception {
    ClientConnection client = startAndConnect();
    ServerConnection serverSide = take(serverConnections, ServerConnection.class);
    CountDownLatch written = new CountDownLatch(1);
    serverSide.send(server.prepare(new ServerFrame.Pong("last")), written::countDown);
    serverSide.close(4009, "too slow to read");
    serverSide.send(server.prepare(new ServerFrame.Pong("after close")), () -> {});
    client.send(new ClientFrame.Ping("after close"));

    assertThat(take(clientEvents, ServerFrame.Pong.class).id()).isEqualTo("last");
    assertThat(take(clientEvents, Closed.class)).isEqualTo(new Closed(4009, "too slow to read"));
    assertThat(take(serverEvents, Closed.class)).isEqualTo(new Closed(4009, "too slow to read"));
    assertThat(written.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(serverEvents.poll()).as("nothing after the close").isNull();
    assertThat(clientEvents.poll()).as("nothing after the close").isNull();
  }

  @Test
  void aClientCloseReachesTheServerWithItsCode() throws Exception {
    ClientConnection client = startAndConnect();
    take(serverConnections, ServerConnection.class);
    client.send(new ClientFrame.Ping("1"));
    client.close(1000, "bye");
    assertThat(take(serverEvents, ClientFrame.Ping.class).id()).isEqualTo("1");
    assertThat(take(serverEvents, Closed.class)).isEqualTo(new Closed(1000, "bye"));
    assertThat(server.awaitNoConnections(java.time.Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void closingTheServerCutsItsConnectionsWith1006() throws Exception {
    startAndConnect();
    server.close();
    assertThat(take(clientEvents, Closed.class).code()).isEqualTo(1006);
    assertThat(InMemoryServerTransport.runningNames()).doesNotContain(name);
  }

  @Test
  void connectingToAnUnknownNameFails() {
    assertThatThrownBy(() -> InMemoryClientTransport.forName("nobody-" + name).connect(clientListener()).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IOException.class)
        .hasMessageContaining("no in-memory server named");
  }

  @Test
  void twoServersCannotShareAName() throws Exception {
    server.start(transportListener(connection -> serverListener()));
    InMemoryServerTransport second = InMemoryServerTransport.forName(name);
    assertThatThrownBy(() -> second.start(transportListener(connection -> serverListener())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("already running");
  }

  @Test
  void aServerThatStoppedAcceptingRefusesNewConnections() throws Exception {
    server.start(transportListener(connection -> serverListener()));
    server.stopAccepting();
    assertThatThrownBy(() -> InMemoryClientTransport.forName(name).connect(clientListener()).join())
        .hasCauseInstanceOf(IOException.class);
  }

  private ClientConnection startAndConnect() throws Exception {
    server.start(transportListener(connection -> {
      serverConnections.add(connection);
      return serverListener();
    }));
    return InMemoryClientTransport.forName(name).connect(clientListener()).get(5, TimeUnit.SECONDS);
  }

  private static ServerTransportListener transportListener(
      Function<ServerConnection, ServerConnectionListener> onOpen) {
    return new ServerTransportListener() {
      @Override
      public Limits limits() {
        return Limits.defaults();
      }

      @Override
      public ServerConnectionListener connectionOpened(ServerConnection connection) {
        return onOpen.apply(connection);
      }
    };
  }

  private ServerConnectionListener serverListener() {
    return new ServerConnectionListener() {
      @Override
      public void frameReceived(ClientFrame frame) {
        serverEvents.add(frame);
      }

      @Override
      public void closed(int code, String reason) {
        serverEvents.add(new Closed(code, reason));
      }
    };
  }

  private ClientConnectionListener clientListener() {
    return new ClientConnectionListener() {
      @Override
      public void frameReceived(ServerFrame frame) {
        clientEvents.add(frame);
      }

      @Override
      public void closed(int code, String reason) {
        clientEvents.add(new Closed(code, reason));
      }
    };
  }

  private static <T> T take(BlockingQueue<?> queue, Class<T> type) throws InterruptedException {
    Object event = queue.poll(5, TimeUnit.SECONDS);
    assertThat(event).as("an event within 5 s").isInstanceOf(type);
    return type.cast(event);
  }

  private record Closed(int code, String reason) {}
}
