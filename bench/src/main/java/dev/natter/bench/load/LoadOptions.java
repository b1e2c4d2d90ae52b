package dev.natter.bench.load;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The load driver's command line, parsed and checked; {@link #usage()} lists the flags.
 *
 * <p>Exactly one server: {@code --url} (one already running; repeated for the nodes of a cluster, over
 * which the clients are spread) or {@code --start-server JAR} (started and stopped by the driver). Two modes: a load run (the default) or {@code --idle-clients N}, which measures
 * the server's heap per idle connection and so needs a server whose process the driver can see.
 *
 * @param urls the server's WebSocket endpoints, one per node (client {@code i} connects to
 *     {@code urls[i mod n]}); empty with {@code serverJar}
 * @param serverJar the server jar to start, or {@code null} with {@code url}
 * @param serverArgs extra arguments for the started server (after {@code --host} and {@code --port})
 * @param serverJvmArgs extra JVM options for the started server
 * @param serverPid the process id of the server at {@code url} (for its CPU and heap), or 0
 * @param clients connections in a load run
 * @param rooms rooms the connections are spread over, round-robin
 * @param senders connections that send (clients 0 to senders - 1)
 * @param rate messages per second per sender, or 0 for flat out within {@code window}
 * @param window messages per sender in flight at most when flat out
 * @param durationSeconds the measured time
 * @param warmupSeconds the time sent before measuring
 * @param textBytes the length of each message's text
 * @param idleClients the idle connections of a heap measurement, or 0 for a load run
 * @param help whether {@code --help} was asked for (the other components are then the defaults)
 */
record LoadOptions(
    List<URI> urls,
    Path serverJar,
    List<String> serverArgs,
    List<String> serverJvmArgs,
    long serverPid,
    int clients,
    int rooms,
    int senders,
    double rate,
    int window,
    double durationSeconds,
    double warmupSeconds,
    int textBytes,
    int idleClients,
    boolean help) {

  /** At most this many connections: the server's own default cap is 10,000. */
  static final int MAX_CLIENTS = 100_000;
  /** Room for the timestamp and the two numbers the driver writes at the start of a text. */
  static final int MIN_TEXT_BYTES = MessageText.MAX_HEADER_LENGTH;
  /** The server's default text limit, in code points; the driver's texts are ASCII. */
  static final int MAX_TEXT_BYTES = 4000;

  /** A command line the driver cannot run; the message names the flag and what is wrong. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private static final Set<String> VALUED = Set.of(
      "--url", "--start-server", "--server-args", "--server-jvm-args", "--server-pid", "--clients", "--rooms",
      "--senders", "--rate", "--window", "--duration", "--warmup", "--text-bytes", "--idle-clients");
  /** The flags of a load run, which a heap measurement (--idle-clients) does not take. */
  private static final List<String> LOAD_ONLY = List.of(
      "--clients", "--senders", "--rate", "--window", "--duration", "--warmup", "--text-bytes");

  /** Whether this is a heap measurement rather than a load run. */
  boolean idle() {
    return idleClients > 0;
  }

  /**
   * Parses {@code args}. Each flag takes its value as the next argument or after {@code =}; a flag given
   * twice, an unknown one, a value out of range or flags that exclude each other is an error.
   *
   * @throws UsageException naming the flag and what is wrong with it
   */
  static LoadOptions parse(String... args) throws UsageException {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      return defaults(true);
    }
    Map<String, String> values = new HashMap<>();
    List<URI> urls = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int equals = arg.indexOf('=');
      String flag = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
      String value = arg.startsWith("--") && equals > 0 ? arg.substring(equals + 1) : null;
      if (!flag.startsWith("--")) {
        throw new UsageException("unexpected argument: " + arg + " (every option is a --flag)");
      }
      if (!VALUED.contains(flag)) {
        throw new UsageException("unknown flag: " + flag);
      }
      if (value == null) {
        // --server-args' value itself starts with "--", so only a missing argument is missing there.
        boolean takesFlags = flag.equals("--server-args") || flag.equals("--server-jvm-args");
        if (i + 1 >= args.length || (!takesFlags && args[i + 1].startsWith("--"))) {
          throw new UsageException(flag + " needs a value");
        }
        value = args[++i];
      }
      if (flag.equals("--url")) {
        urls.add(url(value)); // once per node of a cluster
      } else if (values.put(flag, value) != null) {
        throw new UsageException(flag + " given twice");
      }
    }
    return check(values, List.copyOf(urls));
  }

  private static LoadOptions check(Map<String, String> v, List<URI> urls) throws UsageException {
    LoadOptions d = defaults(false);
    Path jar = v.containsKey("--start-server") ? Path.of(v.get("--start-server")) : null;
    if (urls.isEmpty() == (jar == null)) {
      throw new UsageException("give either --url ws://HOST:PORT/chat (a running server) or --start-server"
          + " PATH/natter-server.jar (the driver starts and stops it)");
    }
    for (String flag : List.of("--server-args", "--server-jvm-args")) {
      if (v.containsKey(flag) && jar == null) {
        throw new UsageException(flag + " needs --start-server");
      }
    }
    long pid = v.containsKey("--server-pid") ? whole(v, "--server-pid", 1, Long.MAX_VALUE, 0) : 0;
    if (pid != 0 && jar != null) {
      throw new UsageException("--server-pid goes with --url: a started server's process is known");
    }
    if (pid != 0 && urls.size() > 1) {
      throw new UsageException("--server-pid goes with a single --url: it is one process");
    }
    int idle = (int) whole(v, "--idle-clients", 1, MAX_CLIENTS, 0);
    if (idle > 0) {
      for (String flag : LOAD_ONLY) {
        if (v.containsKey(flag)) {
          throw new UsageException(flag + " is for a load run, not for --idle-clients");
        }
      }
      if (jar == null && pid == 0) {
        throw new UsageException("--idle-clients reads the server's heap: give --start-server, or --url with"
            + " --server-pid");
      }
    }
    int clients = idle > 0 ? idle : (int) whole(v, "--clients", 1, MAX_CLIENTS, d.clients);
    int rooms = (int) whole(v, "--rooms", 1, MAX_CLIENTS, d.rooms);
    if (rooms > clients) {
      throw new UsageException("--rooms must be at most the number of clients (" + clients + "): " + rooms);
    }
    int senders = (int) whole(v, "--senders", 1, MAX_CLIENTS, d.senders);
    if (senders > clients) {
      throw new UsageException("--senders must be at most --clients (" + clients + "): senders are clients");
    }
    double rate = decimal(v, "--rate", 0, 1_000_000, d.rate);
    if (rate > 0 && v.containsKey("--window")) {
      throw new UsageException("--window is for --rate 0 (flat out); a fixed rate needs none");
    }
    return new LoadOptions(urls, jar, words(v.get("--server-args")), words(v.get("--server-jvm-args")), pid,
        clients, rooms, senders, rate,
        (int) whole(v, "--window", 1, 1_000_000, d.window),
        decimal(v, "--duration", 0.1, 3600, d.durationSeconds),
        decimal(v, "--warmup", 0, 3600, d.warmupSeconds),
        (int) whole(v, "--text-bytes", MIN_TEXT_BYTES, MAX_TEXT_BYTES, d.textBytes),
        idle, false);
  }

  private static LoadOptions defaults(boolean help) {
    return new LoadOptions(List.of(), null, List.of(), List.of(), 0, 100, 1, 1, 0, 32, 10, 3, 100, 0, help);
  }

  private static URI url(String value) throws UsageException {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("ws") || scheme.equals("wss")) && uri.getHost() != null) {
        return uri;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below, with the expected shape
    }
    throw new UsageException("--url must be a WebSocket URL such as ws://127.0.0.1:8080/chat: " + value);
  }

  private static long whole(Map<String, String> v, String flag, long min, long max, long absent)
      throws UsageException {
    String value = v.get(flag);
    if (value == null) {
      return absent;
    }
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below, with the range
    }
    throw new UsageException(flag + " must be a whole number from " + min + " to " + max + ": " + value);
  }

  private static double decimal(Map<String, String> v, String flag, double min, double max, double absent)
      throws UsageException {
    String value = v.get(flag);
    if (value == null) {
      return absent;
    }
    try {
      double n = Double.parseDouble(value);
      if (n >= min && n <= max) { // false for NaN
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below, with the range
    }
    throw new UsageException(flag + " must be a number from " + plain(min) + " to " + plain(max) + ": " + value);
  }

  private static String plain(double n) {
    return n == Math.rint(n) ? Long.toString((long) n) : Double.toString(n);
  }

  // Split on white space, no quoting: server flags and JVM options rarely need it, and a shell would
  // otherwise have to quote twice.
  private static List<String> words(String value) {
    return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
  }

  /** The flags, for {@code --help}. */
  static String usage() {
    return """
        Usage: java -cp bench/target/benchmarks.jar dev.natter.bench.load.LoadDriver SERVER [MODE]

        SERVER, one of:
          --url ws://HOST:PORT/chat      a running server; repeat it for each node of a cluster, and the
                                         clients are spread over the nodes (client i on node i mod n)
            --server-pid PID             its process, to report its CPU (and, for --idle-clients, its heap)
          --start-server PATH.jar        start natter-server.jar on a free port on 127.0.0.1, stop it at the end
            --server-args "..."          more server flags, e.g. "--in-memory --rate-limit off"
            --server-jvm-args "..."      JVM options for the server, e.g. "-Xmx1g"

        A load run (the default):
          --clients N       connections (default 100), spread over the rooms round-robin
          --rooms R         rooms (default 1)
          --senders S       clients 0 to S-1 send (default 1)
          --rate M          messages per second per sender; 0 = flat out (default 0)
          --window W        flat out: messages in flight per sender, freed by its own copy (default 32)
          --duration SECS   measured time (default 10)
          --warmup SECS     sent before measuring (default 3)
          --text-bytes B    length of each text (default 100, at least %d)

        Or a heap measurement:
          --idle-clients N  connect N clients that say hello, join a room (--rooms) and stay idle; report
                            the server's heap growth per connection, each side of a full GC

        Exits 1 when a message was lost or reordered, 2 on a bad command line.
        """.formatted(MIN_TEXT_BYTES);
  }
}
