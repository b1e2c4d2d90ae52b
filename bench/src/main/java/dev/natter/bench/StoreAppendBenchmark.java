package dev.natter.bench;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.HistoryStore.NewMessage;
import dev.natter.chat.store.jdbc.JdbcHistoryStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * The history store's append path on its own, without the engine: {@link HistoryStore#append} of
 * 100-character texts (no {@code cid}, like the engine's benchmarks' sends) to {@code rooms} rooms taken
 * in turn, with up to {@code inFlight} appends whose futures have not completed yet.
 *
 * <ul>
 *   <li>{@code memory}: {@link HistoryStore#inMemory()}, the latest 1,000 messages of each room. Its
 *       futures complete before {@code append} returns, so the window never fills.
 *   <li>{@code sqlite}: {@link JdbcHistoryStore#sqlite(Path)} with its defaults: WAL,
 *       {@code synchronous=FULL}, group commit of up to 1,000 appends per transaction, a queue of 10,000
 *       (so {@code inFlight} must stay below that, or appends fail at once). A future completes once
 *       its transaction has committed. The file is in a new folder of {@code java.io.tmpdir}, which must
 *       be on the disk to be measured (on the build machine it is: {@code /tmp} is on {@code /dev/vda}).
 * </ul>
 *
 * <p>Each iteration opens a new store (for SQLite an empty file) and closes it after, outside the
 * timing, so an iteration's figure does not depend on the rows the earlier ones left, and the disk holds
 * at most one iteration's rows. Closing waits for the appends still in flight; any append that failed
 * fails the benchmark.
 *
 * <p>JMH reports {@code stored} per second (the secondary result): appends whose futures completed
 * during the iteration. That is the figure; the primary one counts {@code append} calls, which run
 * ahead of it by at most the window.
 *
 * <p>One benchmark thread appends to every room, as the engine appends to a room from one thread at a
 * time ({@link HistoryStore}'s contract). With {@code -t N} the rooms are split among N threads, each
 * with its own window; N may not exceed {@code rooms}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class StoreAppendBenchmark {
  private static final String TEXT = "x".repeat(100);

  /** Which store: {@code memory} or {@code sqlite}. */
  @Param({"memory", "sqlite"})
  public String store;

  /** Rooms appended to, in turn. */
  @Param({"1", "16"})
  public int rooms;

  /** Appends of one benchmark thread whose futures have not completed, at most. */
  @Param({"5000"})
  public int inFlight;

  private Path folder;
  private int iteration;
  private HistoryStore history;
  private final AtomicLong failed = new AtomicLong();

  /** Makes the folder the SQLite files go in. */
  @Setup(Level.Trial)
  public void makeFolder() throws IOException {
    if (!store.equals("memory") && !store.equals("sqlite")) {
      throw new IllegalArgumentException("store must be memory or sqlite: " + store);
    }
    folder = Files.createTempDirectory("natter-bench");
  }

  /** Opens a new store. */
  @Setup(Level.Iteration)
  public void open() {
    history = store.equals("memory")
        ? HistoryStore.inMemory()
        : JdbcHistoryStore.sqlite(folder.resolve("history-" + ++iteration + ".db"));
  }

  /** Closes the store, which waits for the appends in flight, and deletes its files. */
  @TearDown(Level.Iteration)
  public void close() throws IOException {
    history.close();
    delete(folder, false);
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " appends failed");
    }
  }

  /** Deletes the folder. */
  @TearDown(Level.Trial)
  public void deleteFolder() throws IOException {
    delete(folder, true);
  }

  /**
   * One benchmark thread's rooms, its window, and its {@code stored} counter. JMH reports the public
   * field; the rest is not public, so not a counter.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Producer {
    /** Appends of this thread stored in this iteration. */
    public long stored;

    String[] owned;
    User user;
    String prefix;
    int next;
    long appended;
    /** Completions of this thread's appends, counted on whichever thread completes them. */
    final AtomicLong completed = new AtomicLong();
    long completedBefore;
    BiConsumer<ChatMessage, Throwable> onComplete;

    /** Takes rooms {@code i}, {@code i + N}, {@code i + 2N}, ... for thread {@code i} of {@code N}. */
    @Setup(Level.Trial)
    public void own(StoreAppendBenchmark benchmark, ThreadParams thread) {
      int threads = thread.getThreadCount();
      if (threads > benchmark.rooms) {
        // The store takes a room's appends from one thread at a time, in order.
        throw new IllegalStateException(threads + " threads for " + benchmark.rooms + " rooms");
      }
      int index = thread.getThreadIndex();
      owned = new String[(benchmark.rooms - index + threads - 1) / threads];
      for (int i = 0; i < owned.length; i++) {
        owned[i] = "room" + (index + i * threads);
      }
      user = new User("user" + index, "User " + index);
      prefix = "t" + index + "-";
      AtomicLong failed = benchmark.failed;
      onComplete = (message, failure) -> {
        if (failure != null) {
          failed.incrementAndGet();
        }
        completed.incrementAndGet();
      };
    }

    /** Counts from this iteration's start; the previous store's close completed everything before. */
    @Setup(Level.Iteration)
    public void reset() {
      stored = 0;
      completedBefore = completed.get();
    }
  }

  /**
   * Appends one message to the next of this thread's rooms, after waiting while {@code inFlight} of its
   * appends have not completed.
   */
  @Benchmark
  public void append(Producer producer) {
    long done = producer.completed.get();
    while (producer.appended - done >= inFlight) {
      LockSupport.parkNanos(10_000); // yields the core to the store's writer and completion threads
      done = producer.completed.get();
    }
    producer.stored = done - producer.completedBefore;
    int i = producer.next;
    producer.next = i + 1 == producer.owned.length ? 0 : i + 1;
    long n = producer.appended++;
    NewMessage message = new NewMessage(producer.owned[i], producer.prefix + n, producer.user, null, TEXT,
        Instant.ofEpochMilli(System.currentTimeMillis()), null);
    history.append(message).whenComplete(producer.onComplete);
  }

  private static void delete(Path folder, boolean itself) throws IOException {
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(Comparator.reverseOrder())
          .filter(path -> itself || !path.equals(folder))
          .forEach(path -> {
            try {
              Files.delete(path);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }
}
