package dev.natter.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One load run: clients spread over the rooms round-robin (client {@code i} in room {@code i % rooms}),
 * the first {@code senders} of them sending, at a fixed rate or flat out, for the warm-up and then the
 * measured time; then the driver stops sending and waits for every message to reach every member of its
 * room (the sender included) before it counts what was lost.
 *
 * <p>Latency is measured for the messages sent during the measured time, however late they arrive.
 * Flat out, a sender keeps {@code window} messages in flight and sends the next when its own copy of one
 * comes back; the text's time stamp is the moment it is sent. At a fixed rate the stamp is the moment the
 * schedule said to send, so a sender held up (by the server's back-pressure, say) shows in the latency
 * instead of quietly sending less.
 */
final class LoadRun implements DriverClient.Handler {
  /** Stop waiting for the last deliveries after this long without one. */
  private static final long DRAIN_QUIET_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final LoadOptions options;
  private final String runId;
  private final Semaphore[] windows;
  /** Per client, per sender of its room (sender s is at s / rooms): the last n it received. */
  private final long[][] lastSeen;

  private final LongAdder sent = new LongAdder();
  private final LongAdder expected = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder acked = new LongAdder();
  private final LongAdder reordered = new LongAdder();
  private final LongAdder foreign = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder closes = new LongAdder();
  private final AtomicReference<String> firstProblem = new AtomicReference<>();
  private final LatencyHistogram latency = new LatencyHistogram();
  private final ProcessProbe driver = new ProcessProbe(ProcessHandle.current().pid());

  private volatile long measureStart;
  private volatile boolean measuring;
  private volatile long measureEnd;
  private volatile boolean measured;
  private volatile boolean stopping;

  LoadRun(LoadOptions options, String runId) {
    this.options = options;
    this.runId = runId;
    this.windows = new Semaphore[options.senders()];
    Arrays.setAll(windows, s -> new Semaphore(options.window()));
    this.lastSeen = new long[options.clients()][];
    for (int i = 0; i < options.clients(); i++) {
      lastSeen[i] = new long[sendersIn(i % options.rooms())];
      Arrays.fill(lastSeen[i], -1);
    }
  }

  /** What one run measured; see {@link LoadResult}. Client {@code i} connects to {@code uris[i mod n]}. */
  LoadResult run(List<URI> uris, ProcessProbe server, PrintStream log) throws IOException, InterruptedException {
    try (ClientFleet fleet = new ClientFleet()) {
      log.printf("connecting %d clients to %s%n", options.clients(), uris.size() == 1 ? uris.get(0) : uris);
      List<DriverClient> clients = fleet.connect(i -> uris.get(i % uris.size()), 0, options.clients(),
          i -> "l" + runId + "-" + i, i -> room(i % options.rooms()), this);
      ClientFleet.settle(clients);

      List<Thread> senders = new ArrayList<>();
      for (int s = 0; s < options.senders(); s++) {
        int sender = s;
        DriverClient client = clients.get(s);
        Thread thread = new Thread(() -> send(sender, client), "sender-" + s);
        thread.setDaemon(true);
        senders.add(thread);
      }
      log.printf("sending: %.1f s of warm-up, then %.1f s measured%n", options.warmupSeconds(),
          options.durationSeconds());
      senders.forEach(Thread::start);
      sleep(options.warmupSeconds());
      measureStart = System.nanoTime();
      measuring = true;
      Snapshot start = snapshot(server);
      sleep(options.durationSeconds());
      measureEnd = System.nanoTime();
      measured = true;
      Snapshot end = snapshot(server);
      stopping = true;
      for (Thread sender : senders) {
        // A send the server never reads would hold its thread: count it rather than wait for ever.
        sender.join(TimeUnit.SECONDS.toMillis(10));
        if (sender.isAlive()) {
          problem(errors, sender.getName() + " was still sending 10 s after the end");
        }
      }
      drain();
      double seconds = (end.nanos - start.nanos) / 1e9;
      return new LoadResult(options, seconds, sent.sum(), acked.sum(), end.sent - start.sent,
          end.received - start.received,
          expected.sum() - received.sum(), reordered.sum(), foreign.sum(), errors.sum(), closes.sum(),
          firstProblem.get(), latency.count(), latency.percentile(50), latency.percentile(99), latency.max(),
          cpuPercent(start.serverCpu, end.serverCpu, seconds), cpuPercent(start.driverCpu, end.driverCpu, seconds));
    }
  }

  private void send(int s, DriverClient client) {
    int roomSize = roomSize(s % options.rooms());
    long period = options.rate() > 0 ? Math.round(1e9 / options.rate()) : 0;
    // At a fixed rate the senders start spread over one period, so that they do not all send at once.
    long next = System.nanoTime() + period * s / options.senders();
    StringBuilder frame = new StringBuilder(options.textBytes() + 100);
    try {
      long n = 0;
      while (!stopping) {
        long stamp;
        if (period > 0) {
          long wait = next - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
            continue;
          }
          stamp = next;
          next += period;
        } else {
          // a timeout, so that a sender whose window never frees (a lost message) still sees `stopping`
          if (!windows[s].tryAcquire(100, TimeUnit.MILLISECONDS)) {
            continue;
          }
          stamp = System.nanoTime();
        }
        frame.setLength(0);
        frame.append("{\"type\":\"send\",\"id\":\"").append(n).append("\",\"room\":");
        Json.quote(frame, client.room()).append(",\"text\":");
        Json.quote(frame, MessageText.format(stamp, s, n, options.textBytes())).append('}');
        expected.add(roomSize);
        sent.increment();
        client.send(frame.toString());
        n++;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (CompletionException e) {
      problem(errors, "sender " + s + " cannot send: " + e.getCause());
    }
  }

  @Override
  public void message(DriverClient client, String text) {
    long now = System.nanoTime();
    MessageText.Stamp stamp = MessageText.parse(text);
    int rooms = options.rooms();
    if (stamp == null || stamp.sender() < 0 || stamp.sender() >= options.senders()
        || stamp.sender() % rooms != client.index() % rooms) {
      foreign.increment(); // not one of this run's, or from another room: never expected
      return;
    }
    received.increment();
    long sentAt = stamp.nanos();
    if (measuring && sentAt - measureStart >= 0 && (!measured || sentAt - measureEnd < 0)) {
      latency.record(now - sentAt);
    }
    long[] last = lastSeen[client.index()];
    int slot = stamp.sender() / rooms;
    if (stamp.n() <= last[slot]) {
      reordered.increment(); // a duplicate counts too
    } else {
      last[slot] = stamp.n();
    }
    if (client.index() == stamp.sender()) {
      windows[stamp.sender()].release();
    }
  }

  @Override
  public void ok(DriverClient client) {
    acked.increment();
  }

  @Override
  public void error(DriverClient client, String code, String message) {
    problem(errors, client.name() + " got error " + code + ": " + message);
  }

  @Override
  public void closed(DriverClient client, int code, String reason) {
    problem(closes, client.name() + " was closed: " + code + " " + reason);
  }

  private void problem(LongAdder counter, String description) {
    counter.increment();
    firstProblem.compareAndSet(null, description);
  }

  // Waits until every message reached every member and every send was acknowledged, or nothing has
  // arrived for DRAIN_QUIET_NANOS (then what is missing is lost).
  private void drain() throws InterruptedException {
    long progress = -1;
    long since = System.nanoTime();
    while (received.sum() < expected.sum() || acked.sum() + errors.sum() < sent.sum()) {
      long now = System.nanoTime();
      long seen = received.sum() + acked.sum() + errors.sum();
      if (seen != progress) {
        progress = seen;
        since = now;
      } else if (now - since > DRAIN_QUIET_NANOS) {
        return;
      }
      Thread.sleep(20);
    }
  }

  private record Snapshot(long nanos, long sent, long received, long serverCpu, long driverCpu) {}

  private Snapshot snapshot(ProcessProbe server) throws IOException {
    long nanos = System.nanoTime();
    return new Snapshot(nanos, sent.sum(), received.sum(), server == null ? -1 : server.cpuNanos(),
        driver.cpuNanos());
  }

  private static double cpuPercent(long before, long after, double seconds) {
    return before < 0 ? Double.NaN : (after - before) / 1e9 / seconds * 100;
  }

  private String room(int r) {
    return "load-" + runId + "-" + r;
  }

  private int roomSize(int r) {
    return spread(options.clients(), r);
  }

  private int sendersIn(int r) {
    return spread(options.senders(), r);
  }

  // How many of 0 .. count-1 fall in room r, round-robin.
  private int spread(int count, int r) {
    return count / options.rooms() + (r < count % options.rooms() ? 1 : 0);
  }

  private static void sleep(double seconds) throws InterruptedException {
    Thread.sleep(Math.round(seconds * 1000));
  }
}
