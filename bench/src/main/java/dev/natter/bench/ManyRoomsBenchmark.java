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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The engine over the in-memory transport with many rooms busy at once: {@code rooms} rooms of
 * {@code members} members each (the sender included), one sender per room, every message delivered to
 * every member of its room, at most {@value InMemoryChat#WINDOW} messages of each sender in flight. The
 * members are raw protocol connections that only count, as in {@link FanOutBenchmark}; the in-memory
 * history store keeps the latest 1,000 messages of each room.
 *
 * <p>One benchmark thread sends for every room, taking the rooms in turn; it waits only when the room
 * whose turn it is has a full window. That measures the engine's parallelism across rooms rather than
 * the benchmark's: a send over the in-memory transport only queues the frame on the sender's lane, so
 * one thread keeps every room's window full, and the work that can run in parallel (the senders'
 * lanes on the engine's pool, each room's store-and-fan-out under its own lock, the members' lanes on
 * the transport's pool) is the engine's. More benchmark threads on the 2 cores of the build machine
 * would only take them from the engine. With {@code -t N} the rooms are split among N threads, each
 * room still sent to by one thread only.
 *
 * <p>JMH reports {@code deliveries} per second (the secondary result); the primary one counts messages
 * over all rooms. As in {@link FanOutBenchmark}, a message's {@code members} deliveries are counted when
 * it is sent; at most one window per room is outstanding, so over an iteration the two rates agree.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ManyRoomsBenchmark {
  /** Rooms sent to at once, each with its own sender. */
  @Param({"10", "100"})
  public int rooms;

  /** Room size, the sender included. */
  @Param({"10"})
  public int members;

  private ChatServer server;
  private final List<ClientConnection> connections = new ArrayList<>();
  private Room[] all;

  /** A room, its sender, and the deliveries its members counted. */
  static final class Room {
    final String name;
    final ClientConnection sender;
    final LongAdder delivered;

    Room(String name, ClientConnection sender, LongAdder delivered) {
      this.name = name;
      this.sender = sender;
      this.delivered = delivered;
    }
  }

  /** The rooms one benchmark thread sends to, and what it sent to each. */
  @State(Scope.Thread)
  public static class Senders {
    Room[] owned;
    long[] sent;
    int next;

    /** Takes rooms {@code i}, {@code i + N}, {@code i + 2N}, ... for thread {@code i} of {@code N}. */
    @Setup(Level.Trial)
    public void own(ManyRoomsBenchmark benchmark, ThreadParams thread) {
      int threads = thread.getThreadCount();
      if (threads > benchmark.rooms) {
        // A room's window weighs its deliveries against its sends: one thread sends to it, or none.
        throw new IllegalStateException(threads + " threads for " + benchmark.rooms + " rooms");
      }
      List<Room> mine = new ArrayList<>();
      for (int r = thread.getThreadIndex(); r < benchmark.rooms; r += threads) {
        mine.add(benchmark.all[r]);
      }
      owned = mine.toArray(new Room[0]);
      sent = new long[owned.length];
    }
  }

  /** Starts a server and connects every room's members. */
  @Setup(Level.Trial)
  public void start() throws IOException {
    String name = InMemoryServerTransport.generateName();
    server = InMemoryChat.start(name);
    InMemoryClientTransport transport = InMemoryClientTransport.forName(name);
    all = new Room[rooms];
    for (int r = 0; r < rooms; r++) {
      String room = "room" + r;
      LongAdder delivered = new LongAdder();
      ClientConnection sender = null;
      for (int m = 0; m < members; m++) {
        ClientConnection member = InMemoryChat.member(transport, "r" + r + "m" + m, room, delivered);
        connections.add(member);
        if (m == 0) {
          sender = member;
        }
      }
      all[r] = new Room(room, sender, delivered);
    }
  }

  /** Closes the members and the server. */
  @TearDown(Level.Trial)
  public void stop() {
    connections.forEach(c -> c.close(1000, "done"));
    server.close();
  }

  /**
   * Sends one message to the next of this thread's rooms; waits while more than
   * {@value InMemoryChat#WINDOW} of that room's messages are not delivered to all its members yet.
   */
  @Benchmark
  public void send(Senders senders, Deliveries counters) {
    int i = senders.next;
    senders.next = i + 1 == senders.owned.length ? 0 : i + 1;
    Room room = senders.owned[i];
    room.sender.send(InMemoryChat.message(room.name));
    long sent = ++senders.sent[i];
    InMemoryChat.awaitDelivered(room.delivered, (sent - InMemoryChat.WINDOW) * members);
    counters.deliveries += members;
  }
}
