package dev.natter.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the driver reads about a JVM process on this Linux machine: its CPU time from
 * {@code /proc/PID/stat}, and its used heap after a full GC through {@code jcmd} (the JDK's own tool,
 * found beside the driver's {@code java}), so the server needs no agent and no JMX port.
 */
final class ProcessProbe {
  private static final Pattern USED = Pattern.compile("used (\\d+)([KMG])");

  private final long pid;
  private final long ticksPerSecond;

  ProcessProbe(long pid) {
    this.pid = pid;
    this.ticksPerSecond = clockTicksPerSecond();
  }

  long pid() {
    return pid;
  }

  /** The CPU time (user and system) the process has used so far, in nanoseconds. */
  long cpuNanos() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
    return cpuTicks(stat) * 1_000_000_000L / ticksPerSecond;
  }

  /**
   * utime + stime, fields 14 and 15 of a {@code /proc/PID/stat} line, in clock ticks. They are counted
   * from the last {@code )}: the command name before it may hold spaces and parentheses itself.
   *
   * @throws IllegalArgumentException for a line without them
   */
  static long cpuTicks(String statLine) {
    int close = statLine.lastIndexOf(')');
    String[] after = close < 0 ? new String[0] : statLine.substring(close + 1).trim().split("\\s+");
    // after[0] is field 3 (state), so field 14 is after[11]
    if (after.length < 13) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + statLine);
    }
    try {
      return Long.parseLong(after[11]) + Long.parseLong(after[12]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + statLine, e);
    }
  }

  /** Runs a full GC in the process ({@code jcmd PID GC.run}) and returns its used heap then, in bytes. */
  long heapUsedAfterGc() throws IOException {
    jcmd("GC.run");
    return heapUsedBytes(jcmd("GC.heap_info"));
  }

  /**
   * The used heap in the output of {@code jcmd PID GC.heap_info}: the sum of the {@code used N[KMG]} of
   * the lines before {@code Metaspace}. That is the whole heap's line for G1 (the default here) and ZGC,
   * and the generations' lines for the serial and parallel collectors.
   *
   * @throws IllegalArgumentException when the output names no used heap
   */
  static long heapUsedBytes(String heapInfo) {
    long used = 0;
    boolean found = false;
    for (String line : heapInfo.split("\n")) {
      if (line.contains("Metaspace")) {
        break;
      }
      Matcher m = USED.matcher(line);
      if (m.find()) {
        long unit = switch (m.group(2)) {
          case "K" -> 1L << 10;
          case "M" -> 1L << 20;
          default -> 1L << 30;
        };
        used += Long.parseLong(m.group(1)) * unit;
        found = true;
      }
    }
    if (!found) {
      throw new IllegalArgumentException("no used heap in jcmd's GC.heap_info output:\n" + heapInfo);
    }
    return used;
  }

  private String jcmd(String command) throws IOException {
    Path beside = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    List<String> line = List.of(Files.isExecutable(beside) ? beside.toString() : "jcmd", Long.toString(pid), command);
    Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", line) + " failed:\n" + new String(output, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while running " + String.join(" ", line), e);
    }
    return new String(output, StandardCharsets.UTF_8);
  }

  // USER_HZ: 100 on every Linux the JDK runs on, but getconf says for sure.
  private static long clockTicksPerSecond() {
    try {
      Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0) {
        return Long.parseLong(out);
      }
    } catch (IOException | NumberFormatException e) {
      // fall back below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
