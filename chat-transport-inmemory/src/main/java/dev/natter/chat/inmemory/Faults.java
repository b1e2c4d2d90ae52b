package dev.natter.chat.inmemory;

import dev.natter.chat.inmemory.internal.FaultPlan;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Network faults, injected on demand into the connections of one {@link InMemoryClientTransport}: to
 * test what an application, and Natter, do when the network misbehaves. Each transport has its own
 * ({@link InMemoryClientTransport#faults()}); the test kit hands out the one of each client it
 * connected ({@link dev.natter.chat.inmemory.testing.ChatTestKit#faults}).
 *
 * <pre>{@code
 * InMemoryClientTransport transport = InMemoryClientTransport.forName(name);
 * ChatClient bob = ChatClient.builder(transport).name("bob").listener(events).build();
 * ...
 * transport.faults().stallReading();                // bob reads nothing; the server queues for him
 * transport.faults().resumeReading();               // what was held arrives, in order
 * transport.faults().delay(Duration.ofMillis(50));  // every frame, both ways, 50 ms late
 * transport.faults().clearDelays();
 * transport.faults().dropAll();                     // the cable is cut: both sides see 1006
 * }</pre>
 *
 * <p>The faults behave as on a network:
 *
 * <ul>
 *   <li><b>Drop</b>: the connection ends at once on both sides with 1006 (abnormal), as when a cable is
 *       cut; frames still under way in either direction are lost. The server treats it as a lost
 *       connection: the user stays in their rooms for the presence grace period, and may resume.
 *   <li><b>Stall</b>: the client stops reading. Frames to it are held, in order, and not delivered; a
 *       close from the server is held behind them. The server's outbound queue for the client fills up
 *       and, past {@link dev.natter.chat.Limits#outboundQueueFrames()} or
 *       {@link dev.natter.chat.Limits#outboundQueueBytes()}, the server closes it with 4009 (slow
 *       consumer); the server hears that close at once, nobody else waits. Resuming delivers what was
 *       held, in order, then the close if there was one. The client can still send while stalled;
 *       closing it discards what was held.
 *   <li><b>Delay</b>: each frame arrives after its delay, in either direction; a close travels like a
 *       frame. Order is kept as on a stream: a frame never overtakes one sent before it, so a short
 *       delay after a long one waits for it. A delay applies to the frames sent after it was set.
 * </ul>
 *
 * <p>A stall or a delay applies to the transport's open connections and to those it opens later (a
 * client that reconnects), until lifted. Nothing blocks: held and delayed frames wait in the
 * connection's queue and a timer thread wakes the delayed ones, so the server and the other clients go
 * on at their pace. Faults of one transport never touch another transport's connections.
 *
 * <p>Thread-safe: call it from the test's thread or any other.
 */
public final class Faults {
  private final FaultPlan plan;

  Faults(FaultPlan plan) {
    this.plan = plan;
  }

  /**
   * Cuts every connection of this transport that is still open: both sides see 1006, frames under way
   * are lost. Stalls and delays stay as they were, for the connections opened later.
   *
   * @return how many connections were cut
   */
  public int dropAll() {
    return plan.dropAll();
  }

  /**
   * Stops the clients from reading: frames to them are held until {@link #resumeReading()}. Idempotent.
   */
  public void stallReading() {
    plan.stallReading();
  }

  /** Delivers what was held, in order, and lets frames through again. Idempotent. */
  public void resumeReading() {
    plan.resumeReading();
  }

  /**
   * Delays every frame, in both directions, by {@code delay}; {@link Duration#ZERO} for none. Replaces
   * the delays set before.
   *
   * @throws IllegalArgumentException when {@code delay} is negative
   */
  public void delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    Supplier<Duration> fixed = () -> delay;
    plan.delayToClient(fixed);
    plan.delayToServer(fixed);
  }

  /**
   * Delays each frame to the client by what {@code perFrame} answers for it, for instance a random
   * jitter. It is asked once per frame, on the sending thread, and must return quickly; an answer that is
   * {@code null} or negative, or an exception, means no delay for that frame. Replaces the delay to the
   * client set before.
   */
  public void delayToClient(Supplier<Duration> perFrame) {
    plan.delayToClient(Objects.requireNonNull(perFrame, "perFrame"));
  }

  /**
   * Delays each frame to the server by what {@code perFrame} answers for it; as
   * {@link #delayToClient}. Replaces the delay to the server set before.
   */
  public void delayToServer(Supplier<Duration> perFrame) {
    plan.delayToServer(Objects.requireNonNull(perFrame, "perFrame"));
  }

  /**
   * Removes the delays for the frames sent from now on. Frames already delayed keep their delay, and the
   * ones sent next arrive after them.
   */
  public void clearDelays() {
    plan.clearDelays();
  }

  @Override
  public String toString() {
    return "Faults[" + plan + "]"; // "Faults[1 open, reading stalled]"
  }
}
