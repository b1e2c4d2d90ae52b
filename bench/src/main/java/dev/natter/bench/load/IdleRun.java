package dev.natter.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The heap one idle connection costs the server: its used heap after a full GC, before and after
 * {@code N} clients connected, said hello, joined a room (round-robin over the rooms) and went quiet.
 *
 * <p>A few clients connect first and stay, uncounted, so that what the first connection allocates once
 * (pools, caches, the rooms themselves) is in the "before" figure and not charged to the others. Before
 * the second GC every client pings and waits for its pong, so no presence event is still queued.
 */
final class IdleRun implements DriverClient.Handler {
  /** The uncounted clients that connect first (at least one per room, at most one per counted client). */
  static final int WARM_UP_CLIENTS = 20;

  private final LoadOptions options;
  private final String runId;
  private final LongAdder problems = new LongAdder();
  private final AtomicReference<String> firstProblem = new AtomicReference<>();

  IdleRun(LoadOptions options, String runId) {
    this.options = options;
    this.runId = runId;
  }

  /**
   * What was measured.
   *
   * @param clients the idle clients counted
   * @param rooms the rooms they joined
   * @param beforeBytes the server's used heap after a full GC, before they connected
   * @param afterBytes the same once they were in
   * @param connectSeconds the time they took to connect, say hello and join
   * @param problems errors and connections the server ended (the figure is then not to be trusted)
   * @param firstProblem the first of them, or {@code null}
   */
  record Result(int clients, int rooms, long beforeBytes, long afterBytes, double connectSeconds, long problems,
      String firstProblem) {

    double kibPerConnection() {
      return (afterBytes - beforeBytes) / 1024.0 / clients;
    }

    boolean passed() {
      return problems == 0;
    }

    String summary() {
      return String.format(Locale.ROOT, "natter idle: %d clients in %d room%s, connected in %.1f s (%,.0f/s)%n"
          + "  server heap after a full GC  %,d KiB before, %,d KiB after%n"
          + "  heap per idle connection     %.1f KiB%n%s", clients, rooms, rooms == 1 ? "" : "s", connectSeconds,
          clients / connectSeconds, beforeBytes / 1024, afterBytes / 1024, kibPerConnection(),
          passed() ? "" : "  FAIL: " + problems + " errors or closes; first: " + firstProblem + "\n");
    }

    String json() {
      return String.format(Locale.ROOT, "{\"mode\":\"idle\",\"clients\":%d,\"rooms\":%d,\"heapBeforeKiB\":%d,"
          + "\"heapAfterKiB\":%d,\"kibPerConnection\":%.2f,\"connectSeconds\":%.3f,\"problems\":%d}",
          clients, rooms, beforeBytes / 1024, afterBytes / 1024, kibPerConnection(), connectSeconds, problems);
    }
  }

  Result run(URI uri, ProcessProbe server, PrintStream log) throws IOException, InterruptedException {
    int count = options.idleClients();
    int rooms = options.rooms();
    try (ClientFleet fleet = new ClientFleet()) {
      int warmUp = Math.min(Math.max(WARM_UP_CLIENTS, rooms), count);
      ClientFleet.settle(fleet.connect(i -> uri, 0, warmUp, i -> "w" + runId + "-" + i, i -> room(i % rooms), this));
      long before = server.heapUsedAfterGc();
      log.printf("server heap %,d KiB; connecting %d idle clients to %s%n", before / 1024, count, uri);

      long start = System.nanoTime();
      List<DriverClient> clients = fleet.connect(i -> uri, warmUp, count, i -> "i" + runId + "-" + i,
          i -> room(i % rooms), this);
      double connectSeconds = (System.nanoTime() - start) / 1e9;
      ClientFleet.settle(clients);
      long after = server.heapUsedAfterGc();
      return new Result(count, rooms, before, after, connectSeconds, problems.sum(), firstProblem.get());
    }
  }

  private String room(int r) {
    return "idle-" + runId + "-" + r;
  }

  @Override
  public void message(DriverClient client, String text) {
    // nobody sends
  }

  @Override
  public void ok(DriverClient client) {
    // nobody sends
  }

  @Override
  public void error(DriverClient client, String code, String message) {
    problem(client.name() + " got error " + code + ": " + message);
  }

  @Override
  public void closed(DriverClient client, int code, String reason) {
    problem(client.name() + " was closed: " + code + " " + reason);
  }

  private void problem(String description) {
    problems.increment();
    firstProblem.compareAndSet(null, description);
  }
}
