package dev.natter.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A load driver for a Natter server over real WebSockets, in a JVM of its own:
 * {@code java -cp bench/target/benchmarks.jar dev.natter.bench.load.LoadDriver --help}.
 *
 * <p>A load run connects clients, spreads them over rooms, lets some of them send (at a fixed rate or
 * flat out), and reports deliveries per second, the latency from the time stamp each text carries, the
 * messages lost and reordered (both must be 0), and the server's CPU. {@code --idle-clients N} reports
 * the server's heap per idle connection instead. The driver can start the server jar itself, which is
 * what lets it read the server's CPU and heap.
 *
 * <p>Progress goes to standard error; the result goes to standard output as a few lines for people and,
 * last, one line of JSON. Exit status: 0 when nothing was lost or reordered, 1 when something was (or a
 * connection failed during a heap measurement), 2 for a bad command line, 3 when the run could not be
 * done (no server, a refused connection).
 */
public final class LoadDriver {
  private static final String NAME = "natter-load";

  private LoadDriver() {}

  /** Runs the driver; see the class comment. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (LoadOptions.UsageException e) {
      err.println(NAME + ": " + e.getMessage());
      err.println("Try --help for the flags.");
      return 2;
    }
    if (options.help()) {
      out.print(LoadOptions.usage());
      return 0;
    }
    // Names and rooms of this run only, so that a shared server's other users and earlier runs' history
    // do not mix with what is counted.
    String runId = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36)
        .toLowerCase(Locale.ROOT);
    ServerProcess server = null;
    try {
      List<URI> uris = options.urls();
      ProcessProbe probe = options.serverPid() != 0 ? new ProcessProbe(options.serverPid()) : null;
      if (options.serverJar() != null) {
        server = ServerProcess.start(options.serverJar(), options.serverJvmArgs(), options.serverArgs(), err);
        uris = List.of(server.uri());
        probe = new ProcessProbe(server.pid());
      }
      if (options.idle()) {
        IdleRun.Result result = new IdleRun(options, runId).run(uris.get(0), probe, err);
        out.print(result.summary());
        out.println(result.json());
        return result.passed() ? 0 : 1;
      }
      LoadResult result = new LoadRun(options, runId).run(uris, probe, err);
      out.print(result.summary());
      out.println(result.json());
      return result.passed() ? 0 : 1;
    } catch (IOException | RuntimeException e) {
      err.println(NAME + ": " + e.getMessage());
      return 3;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println(NAME + ": interrupted");
      return 3;
    } finally {
      if (server != null) {
        err.println(NAME + ": stopping the server");
        server.close();
      }
    }
  }
}
