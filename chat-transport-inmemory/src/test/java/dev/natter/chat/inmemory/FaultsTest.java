package dev.natter.chat.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.Limits;
import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ServerConnection;
import dev.natter.chat.spi.ServerConnectionListener;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.spi.ServerTransportListener;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The faults of {@link InMemoryClientTransport#faults()}, at the SPI: what arrives, in what order, how it ends. */
class FaultsTest {
  private static final long TIMEOUT_SECONDS = 5;

  private final String name = InMemoryServerTransport.generateName();
  private final InMemoryServerTransport server = InMemoryServerTransport.forName(name);
  private final BlockingQueue<Peer> accepted = new LinkedBlockingQueue<>();

  @BeforeEach
  void startServer() throws Exception {
    server.start(new ServerTransportListener() {
      @Override
      public Limits limits() {
        return Limits.defaults();
      }

      @Override
      public ServerConnectionListener connectionOpened(ServerConnection connection) {
        Events events = new Events();
        accepted.add(new Peer(connection, events));
        return events;
      }
    });
  }

  @AfterEach
  void closeServer() {
    server.close();
  }

  @Test
  @DisplayName("a drop ends both sides with 1006 and loses the frames under way")
  void dropEndsBothSidesWith1006() throws Exception {
    InMemoryClientTransport transport = InMemoryClientTransport.forName(name);
    Events client = new Events();
    ClientConnection connection = connect(transport, client);
    Peer peer = take(accepted, Peer.class);
    transport.faults().stallReading();
    CountDownLatch done = new CountDownLatch(3);
    for (int i = 0; i < 3; i++) {
      peer.connection().send(server.prepare(new ServerFrame.Pong("lost " + i)), done::countDown);
    }

    assertThat(transport.faults().dropAll()).as("connections cut").isEqualTo(1);

    assertThat(client.take(Closed.class).code()).as("the first thing the client hears")
        .isEqualTo(CloseCodes.ABNORMAL);
    assertThat(peer.events().take(Closed.class).code()).isEqualTo(CloseCodes.ABNORMAL);
    assertThat(done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("lost frames are reported done").isTrue();
    assertThat(server.awaitNoConnections(Duration.ofSeconds(TIMEOUT_SECONDS))).isTrue();
    connection.send(new ClientFrame.Ping("after the drop"));
    assertThat(transport.faults().dropAll()).as("nothing left to cut").isZero();
    assertThat(client.poll()).as("nothing after the close").isNull();
    assertThat(peer.events().poll()).as("nothing after the close").isNull();
  }

  @Test
  @DisplayName("a stalled client gets nothing until it reads again, then everything in order; others go on")
  void stallHoldsFramesUntilResumed() throws Exception {
    InMemoryClientTransport stalledTransport = InMemoryClientTransport.forName(name);
    Events stalled = new Events();
    connect(stalledTransport, stalled);
    Peer toStalled = take(accepted, Peer.class);
    Events other = new Events();
    connect(InMemoryClientTransport.forName(name), other);
    Peer toOther = take(accepted, Peer.class);

    stalledTransport.faults().stallReading();
    CountDownLatch written = new CountDownLatch(100);
    for (int i = 0; i < 100; i++) {
      toStalled.connection().send(server.prepare(new ServerFrame.Pong("s" + i)), written::countDown);
      toOther.connection().send(server.prepare(new ServerFrame.Pong("s" + i)), () -> {});
    }
    for (int i = 0; i < 100; i++) {
      assertThat(other.take(ServerFrame.Pong.class).id()).isEqualTo("s" + i);
    }
    assertThat(stalled.poll()).as("delivered to the stalled client").isNull();
    assertThat(written.getCount()).as("frames still queued for the stalled client").isEqualTo(100);

    stalledTransport.faults().resumeReading();
    for (int i = 0; i < 100; i++) {
      assertThat(stalled.take(ServerFrame.Pong.class).id()).isEqualTo("s" + i);
    }
    assertThat(written.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @DisplayName("the server hears its own close at once; the stalled client hears it behind the held frames")
  void aServerCloseWaitsBehindHeldFrames() throws Exception {
    InMemoryClientTransport transport = InMemoryClientTransport.forName(name);
    Events client = new Events();
    connect(transport, client);
    Peer peer = take(accepted, Peer.class);
    transport.faults().stallReading();
    for (int i = 0; i < 3; i++) {
      peer.connection().send(server.prepare(new ServerFrame.Pong("held " + i)), () -> {});
    }
    peer.connection().close(CloseCodes.SLOW_CONSUMER, "too slow to read");

    assertThat(peer.events().take(Closed.class)).isEqualTo(new Closed(4009, "too slow to read"));
    assertThat(server.awaitNoConnections(Duration.ofSeconds(TIMEOUT_SECONDS))).isTrue();
    assertThat(client.poll()).as("delivered to the stalled client").isNull();

    transport.faults().resumeReading();
    for (int i = 0; i < 3; i++) {
      assertThat(client.take(ServerFrame.Pong.class).id()).isEqualTo("held " + i);
    }
    assertThat(client.take(Closed.class)).isEqualTo(new Closed(4009, "too slow to read"));
    assertThat(peer.events().poll()).as("nothing after the close").isNull();
  }

  @Test
  @DisplayName("a stalled client that closes discards what was held and hears its own close")
  void closingAStalledClientDiscardsWhatWasHeld() throws Exception {
    InMemoryClientTransport transport = InMemoryClientTransport.forName(name);
    Events client = new Events();
    ClientConnection connection = connect(transport, client);
    Peer peer = take(accepted, Peer.class);
    transport.faults().stallReading();
    CountDownLatch done = new CountDownLatch(3);
    for (int i = 0; i < 3; i++) {
      peer.connection().send(server.prepare(new ServerFrame.Pong("held " + i)), done::countDown);
    }

    connection.close(CloseCodes.NORMAL, "bye");

    assertThat(client.take(Closed.class)).isEqualTo(new Closed(1000, "bye"));
    assertThat(peer.events().take(Closed.class)).isEqualTo(new Closed(1000, "bye"));
    assertThat(done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    transport.faults().resumeReading();
    assertThat(client.poll()).as("nothing after the close").isNull();
  }

  @Test
  @DisplayName("a stall set before connecting holds the frames of the connections opened later")
  void faultsApplyToLaterConnections() throws Exception {
    InMemoryClientTransport transport = InMemoryClientTransport.forName(name);
    transport.faults().stallReading();
    Events client = new Events();
    ClientConnection connection = connect(transport, client);
    Peer peer = take(accepted, Peer.class);
    peer.connection().send(server.prepare(new ServerFrame.Pong("held")), () -> {});
    connection.send(new ClientFrame.Ping("still sending"));
    assertThat(peer.events().take(ClientFrame.Ping.class).id()).isEqualTo("still sending");
    assertThat(client.poll()).as("delivered to the stalled client").isNull();

    transport.faults().resumeReading();
    assertThat(client.take(ServerFrame.Pong.class).id()).isEqualTo("held");
  }

  @Test
  @DisplayName("delayed frames keep their order both ways, also when the delay is lifted midway")
  void delayedFramesKeepTheirOrder() throws Exception {
    InMemoryClientTransport transport = InMemoryClientTransport.forName(name);
    transport.faults().delayToClient(() -> Duration.ofMillis(ThreadLocalRandom.current().nextInt(10)));
    transport.faults().delayToServer(() -> Duration.ofMillis(ThreadLocalRandom.current().nextInt(10)));
    Events client = new Events();
    ClientConnection connection = connect(transport, client);
    Peer peer = take(accepted, Peer.class);

    for (int i = 0; i < 200; i++) {
      if (i == 100) {
        transport.faults().clearDelays();
      }
      connection.send(new ClientFrame.Ping("c" + i));
      peer.connection().send(server.prepare(new ServerFrame.Pong("s" + i)), () -> {});
    }
    for (int i = 0; i < 200; i++) {
      assertThat(client.take(ServerFrame.Pong.class).id()).isEqualTo("s" + i);
    }
    transport.faults().delayToServer(() -> Duration.ofMillis(20));
    connection.send(new ClientFrame.Ping("last"));
    connection.close(CloseCodes.NORMAL, "done");

    for (int i = 0; i < 200; i++) {
      assertThat(peer.events().take(ClientFrame.Ping.class).id()).isEqualTo("c" + i);
    }
    assertThat(peer.events().take(ClientFrame.Ping.class).id()).isEqualTo("last");
    assertThat(peer.events().take(Closed.class)).as("the close travels behind the frames")
        .isEqualTo(new Closed(1000, "done"));
  }

  @Test
  @DisplayName("a fixed delay delays a server's close like a frame")
  void aFixedDelayAppliesToTheClose() throws Exception {
    InMemoryClientTransport transport = InMemoryClientTransport.forName(name);
    transport.faults().delay(Duration.ofMillis(20));
    Events client = new Events();
    connect(transport, client);
    Peer peer = take(accepted, Peer.class);
    peer.connection().send(server.prepare(new ServerFrame.Pong("before")), () -> {});
    peer.connection().close(CloseCodes.GOING_AWAY, "server shutting down");

    assertThat(client.take(ServerFrame.Pong.class).id()).isEqualTo("before");
    assertThat(client.take(Closed.class).code()).isEqualTo(CloseCodes.GOING_AWAY);
  }

  @Test
  @DisplayName("closing the transport lets a close already under way reach the client behind its frames")
  void closingTheTransportLetsACloseUnderWayArrive() throws Exception {
    InMemoryClientTransport transport = InMemoryClientTransport.forName(name);
    transport.faults().delay(Duration.ofMillis(100));
    Events client = new Events();
    connect(transport, client);
    Peer peer = take(accepted, Peer.class);
    peer.connection().send(server.prepare(new ServerFrame.Pong("last")), () -> {});
    peer.connection().close(CloseCodes.GOING_AWAY, "server shutting down");

    server.close();

    assertThat(client.take(ServerFrame.Pong.class).id()).isEqualTo("last");
    assertThat(client.take(Closed.class).code()).as("not cut to 1006").isEqualTo(CloseCodes.GOING_AWAY);
    assertThat(server.openConnections()).isZero();
  }

  @Test
  @DisplayName("closing the transport cuts a client that does not read its close, after a grace")
  void closingTheTransportCutsAStalledClientsClose() throws Exception {
    InMemoryClientTransport transport = InMemoryClientTransport.forName(name);
    transport.faults().stallReading();
    Events client = new Events();
    connect(transport, client);
    Peer peer = take(accepted, Peer.class);
    peer.connection().send(server.prepare(new ServerFrame.Pong("held")), () -> {});
    peer.connection().close(CloseCodes.GOING_AWAY, "server shutting down");

    server.close();

    assertThat(client.take(Closed.class).code()).as("the held frames are lost").isEqualTo(CloseCodes.ABNORMAL);
    transport.faults().resumeReading();
    assertThat(client.poll()).as("nothing after the cut").isNull();
  }

  @Test
  @DisplayName("a per-frame delay answering null or a negative duration means no delay")
  void nonsenseDelaysMeanNoDelay() throws Exception {
    InMemoryClientTransport transport = InMemoryClientTransport.forName(name);
    transport.faults().delayToClient(() -> null);
    transport.faults().delayToServer(() -> Duration.ofMillis(-5));
    Events client = new Events();
    ClientConnection connection = connect(transport, client);
    Peer peer = take(accepted, Peer.class);
    connection.send(new ClientFrame.Ping("c"));
    peer.connection().send(server.prepare(new ServerFrame.Pong("s")), () -> {});

    assertThat(peer.events().take(ClientFrame.Ping.class).id()).isEqualTo("c");
    assertThat(client.take(ServerFrame.Pong.class).id()).isEqualTo("s");
  }

  @Test
  void aNegativeDelayIsRefused() {
    Faults faults = InMemoryClientTransport.forName(name).faults();
    assertThatThrownBy(() -> faults.delay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }

  private static ClientConnection connect(InMemoryClientTransport transport, Events events)
      throws Exception {
    return transport.connect(events).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private static <T> T take(BlockingQueue<?> queue, Class<T> type) throws InterruptedException {
    Object event = queue.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(event).as("an event within %d s", TIMEOUT_SECONDS).isInstanceOf(type);
    return type.cast(event);
  }

  /** One side's frames and close, in arrival order. */
  private static final class Events implements ClientConnectionListener, ServerConnectionListener {
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

    @Override
    public void frameReceived(ServerFrame frame) {
      queue.add(frame);
    }

    @Override
    public void frameReceived(ClientFrame frame) {
      queue.add(frame);
    }

    @Override
    public void closed(int code, String reason) {
      queue.add(new Closed(code, reason));
    }

    <T> T take(Class<T> type) throws InterruptedException {
      return FaultsTest.take(queue, type);
    }

    Object poll() {
      return queue.poll();
    }
  }

  private record Peer(ServerConnection connection, Events events) {}

  private record Closed(int code, String reason) {}
}
