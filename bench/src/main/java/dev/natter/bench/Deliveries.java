package dev.natter.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Deliveries per second, which the engine benchmarks report next to messages per second: each benchmark
 * method adds the deliveries its message makes.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Deliveries {
  /** Deliveries in this iteration. */
  public long deliveries;

  /** Starts each iteration from zero. */
  @Setup(Level.Iteration)
  public void reset() {
    deliveries = 0;
  }
}
