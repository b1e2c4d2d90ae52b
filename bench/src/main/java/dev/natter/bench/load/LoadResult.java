package dev.natter.bench.load;

import java.util.Locale;

/**
 * What a load run measured, as a summary for people and one JSON line for docs/benchmarks.md.
 *
 * @param options the run's command line
 * @param seconds the measured time, as it really lasted
 * @param sent messages sent over the whole run, warm-up included
 * @param acked {@code ok}s received for them
 * @param sentMeasured messages sent during the measured time
 * @param deliveredMeasured {@code message} events received during the measured time, by all clients
 * @param lost deliveries expected (each message to every member of its room) and never received
 * @param reordered deliveries of a sender's message after a later one of the same sender, or twice
 * @param foreign messages received that the run did not send to that room
 * @param errors {@code error} frames, sends that failed and frames the driver could not read
 * @param closes connections the server ended
 * @param firstProblem the first error or close, or {@code null}
 * @param latencySamples deliveries of messages sent during the measured time
 * @param p50Nanos median latency, send to receipt
 * @param p99Nanos 99th percentile latency
 * @param maxNanos largest latency
 * @param serverCpuPercent the server's CPU time during the measured time, in percent of one core, or NaN
 * @param driverCpuPercent the driver's, likewise
 */
record LoadResult(
    LoadOptions options,
    double seconds,
    long sent,
    long acked,
    long sentMeasured,
    long deliveredMeasured,
    long lost,
    long reordered,
    long foreign,
    long errors,
    long closes,
    String firstProblem,
    long latencySamples,
    long p50Nanos,
    long p99Nanos,
    long maxNanos,
    double serverCpuPercent,
    double driverCpuPercent) {

  /** Whether every message reached every member, in each sender's order: the run's pass mark. */
  boolean passed() {
    return lost == 0 && reordered == 0;
  }

  double deliveriesPerSecond() {
    return deliveredMeasured / seconds;
  }

  /** A few lines for people. */
  String summary() {
    LoadOptions o = options;
    String pace = o.rate() > 0 ? "at " + number(o.rate()) + " msg/s each" : "flat out (window " + o.window() + ")";
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "natter load: %d clients in %d room%s, %d sender%s %s, %d-byte texts,"
        + " %.1f s warm-up + %.1f s measured%n", o.clients(), o.rooms(), o.rooms() == 1 ? "" : "s", o.senders(),
        o.senders() == 1 ? "" : "s", pace, o.textBytes(), o.warmupSeconds(), seconds));
    out.append(String.format(Locale.ROOT, "  deliveries/s  %,.0f   (messages sent/s %,.1f)%n",
        deliveriesPerSecond(), sentMeasured / seconds));
    out.append(String.format(Locale.ROOT, "  latency       p50 %.3f ms   p99 %.3f ms   max %.3f ms   (%,d samples)%n",
        p50Nanos / 1e6, p99Nanos / 1e6, maxNanos / 1e6, latencySamples));
    out.append(String.format(Locale.ROOT, "  lost %d   reordered %d   (sent %,d, acked %,d, errors %d, closed %d%s)%n",
        lost, reordered, sent, acked, errors, closes, foreign > 0 ? ", foreign " + foreign : ""));
    out.append(String.format(Locale.ROOT, "  CPU           server %s   driver %s   (100%% = one core)%n",
        percent(serverCpuPercent), percent(driverCpuPercent)));
    if (firstProblem != null) {
      out.append("  first problem: ").append(firstProblem).append('\n');
    }
    out.append(passed() ? "  PASS: nothing lost or reordered" : "  FAIL: messages lost or reordered").append('\n');
    return out.toString();
  }

  /** One line of JSON, the same figures. */
  String json() {
    LoadOptions o = options;
    return String.format(Locale.ROOT, "{\"mode\":\"load\",\"clients\":%d,\"rooms\":%d,\"senders\":%d,\"rate\":%s,"
        + "\"window\":%s,\"textBytes\":%d,\"warmupSeconds\":%s,\"seconds\":%.3f,\"deliveriesPerSecond\":%.0f,"
        + "\"messagesPerSecond\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"maxMs\":%.3f,\"latencySamples\":%d,"
        + "\"lost\":%d,\"reordered\":%d,\"sent\":%d,\"acked\":%d,\"errors\":%d,\"closed\":%d,\"foreign\":%d,"
        + "\"serverCpuPercent\":%s,\"driverCpuPercent\":%s}",
        o.clients(), o.rooms(), o.senders(), number(o.rate()), o.rate() > 0 ? "null" : Integer.toString(o.window()),
        o.textBytes(), number(o.warmupSeconds()), seconds, deliveriesPerSecond(), sentMeasured / seconds,
        p50Nanos / 1e6, p99Nanos / 1e6, maxNanos / 1e6, latencySamples, lost, reordered, sent, acked, errors, closes,
        foreign, jsonPercent(serverCpuPercent), jsonPercent(driverCpuPercent));
  }

  private static String number(double n) {
    return n == Math.rint(n) ? Long.toString((long) n) : Double.toString(n);
  }

  private static String percent(double p) {
    return Double.isNaN(p) ? "n/a (no --server-pid)" : String.format(Locale.ROOT, "%.0f%%", p);
  }

  private static String jsonPercent(double p) {
    return Double.isNaN(p) ? "null" : String.format(Locale.ROOT, "%.1f", p);
  }
}
