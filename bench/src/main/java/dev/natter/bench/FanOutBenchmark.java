package dev.natter.bench;

import dev.natter.chat.ChatServer;
import dev.natter.chat.inmemory.InMemoryClientTransport;
import dev.natter.chat.inmemory.InMemoryServerTransport;
import dev.natter.chat.spi.ClientConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's fan-out over the in-memory transport: one sender, a room of {@code members} (the sender
 * included), every message delivered to every member, at most {@value InMemoryChat#WINDOW} messages in
 * flight. The members are raw protocol connections that only count, so the figure is the engine's and
 * the transport's, not a client library's. The in-memory history store keeps the latest 1,000 messages.
 *
 * <p>JMH reports {@code deliveries} per second (the secondary result); the primary one counts messages.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FanOutBenchmark {
  private static final String ROOM = "bench";

  /** Room size, the sender included. */
  @Param({"10", "100", "1000"})
  public int members;

  private final LongAdder delivered = new LongAdder();
  private ChatServer server;
  private final List<ClientConnection> connections = new ArrayList<>();
  private ClientConnection sender;
  private long sent;

  /** Starts a server and connects the room's members. */
  @Setup(Level.Trial)
  public void start() throws IOException {
    String name = InMemoryServerTransport.generateName();
    server = InMemoryChat.start(name);
    InMemoryClientTransport transport = InMemoryClientTransport.forName(name);
    for (int i = 0; i < members; i++) {
      connections.add(InMemoryChat.member(transport, "m" + i, ROOM, delivered));
    }
    sender = connections.get(0);
  }

  /** Closes the members and the server. */
  @TearDown(Level.Trial)
  public void stop() {
    connections.forEach(c -> c.close(1000, "done"));
    server.close();
  }

  /**
   * Sends one message; waits while more than {@value InMemoryChat#WINDOW} are not delivered to everyone
   * yet.
   */
  @Benchmark
  public void broadcast(Deliveries counters) {
    sender.send(InMemoryChat.message(ROOM));
    sent++;
    InMemoryChat.awaitDelivered(delivered, (sent - InMemoryChat.WINDOW) * members);
    counters.deliveries += members;
  }
}
