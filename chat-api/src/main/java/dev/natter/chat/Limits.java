package dev.natter.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * The server's limits, all on by default (PROTOCOL.md section 1). {@code welcome} reports them to
 * clients.
 *
 * <pre>{@code
 * Limits limits = Limits.defaults().toBuilder()
 *     .maxTextChars(2000)
 *     .rateLimit(RateLimit.of(10, Duration.ofSeconds(5)))
 *     .build();
 * }</pre>
 *
 * @param maxFrameBytes the largest inbound WebSocket message in UTF-8 bytes (enforced by the transport)
 * @param maxTextChars the longest message text in code points
 * @param rateLimit the sends allowed per connection, or {@code null} for no limit
 * @param helloTimeout how long a new connection may take to send its {@code hello}
 * @param presenceGrace how long a user whose connection was lost stays in their rooms before others see
 *     them leave
 * @param pageMax the most messages one page of history (or a join) returns
 * @param outboundQueueFrames the most frames queued to one connection before it is closed as too slow
 * @param outboundQueueBytes the most bytes queued to one connection before it is closed as too slow
 * @param maxConnections the most connections open at once, over all clients; one more is closed at once
 *     with 1013 (try again later), before its {@code hello}
 */
public record Limits(
    int maxFrameBytes,
    int maxTextChars,
    RateLimit rateLimit,
    Duration helloTimeout,
    Duration presenceGrace,
    int pageMax,
    int outboundQueueFrames,
    long outboundQueueBytes,
    int maxConnections) {

  private static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  private static final Limits DEFAULTS =
      new Limits(
          65_536,
          4_000,
          RateLimit.of(20, Duration.ofSeconds(10)),
          Duration.ofSeconds(10),
          Duration.ofSeconds(5),
          100,
          1_000,
          4L * 1024 * 1024,
          DEFAULT_MAX_CONNECTIONS);

  /** Validates the components: every size positive, every duration positive or zero for the grace. */
  public Limits {
    positive("maxFrameBytes", maxFrameBytes);
    positive("maxTextChars", maxTextChars);
    positive("pageMax", pageMax);
    positive("outboundQueueFrames", outboundQueueFrames);
    positive("outboundQueueBytes", outboundQueueBytes);
    positive("maxConnections", maxConnections);
    Objects.requireNonNull(helloTimeout, "helloTimeout");
    Objects.requireNonNull(presenceGrace, "presenceGrace");
    if (helloTimeout.isNegative() || helloTimeout.isZero()) {
      throw new IllegalArgumentException("helloTimeout must be positive: " + helloTimeout);
    }
    if (presenceGrace.isNegative()) {
      throw new IllegalArgumentException("presenceGrace must not be negative: " + presenceGrace);
    }
  }

  /**
   * Limits with the default {@code maxConnections} (10,000), for code written before that limit
   * existed and for a {@code welcome} from a server that does not report it.
   *
   * @param maxFrameBytes see {@link #maxFrameBytes()}
   * @param maxTextChars see {@link #maxTextChars()}
   * @param rateLimit see {@link #rateLimit()}
   * @param helloTimeout see {@link #helloTimeout()}
   * @param presenceGrace see {@link #presenceGrace()}
   * @param pageMax see {@link #pageMax()}
   * @param outboundQueueFrames see {@link #outboundQueueFrames()}
   * @param outboundQueueBytes see {@link #outboundQueueBytes()}
   */
  public Limits(int maxFrameBytes, int maxTextChars, RateLimit rateLimit, Duration helloTimeout,
      Duration presenceGrace, int pageMax, int outboundQueueFrames, long outboundQueueBytes) {
    this(maxFrameBytes, maxTextChars, rateLimit, helloTimeout, presenceGrace, pageMax, outboundQueueFrames,
        outboundQueueBytes, DEFAULT_MAX_CONNECTIONS);
  }

  /** The protocol's defaults: 64 KiB frames, 4000 code points, 20 sends per 10 s, and so on. */
  public static Limits defaults() {
    return DEFAULTS;
  }

  /** A builder starting from these limits. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }

  /**
   * A token bucket: {@code sends} tokens, refilled evenly over {@code per}, starting full.
   *
   * @param sends the bucket's size
   * @param per the time to refill it from empty
   */
  public record RateLimit(int sends, Duration per) {

    /** Validates the components. */
    public RateLimit {
      Objects.requireNonNull(per, "per");
      if (sends <= 0 || per.isNegative() || per.isZero()) {
        throw new IllegalArgumentException("a rate limit needs positive sends and period");
      }
    }

    /** {@code sends} per {@code per}. */
    public static RateLimit of(int sends, Duration per) {
      return new RateLimit(sends, per);
    }
  }

  /** Builds {@link Limits}; every setting starts at its current value. */
  public static final class Builder {
    private int maxFrameBytes;
    private int maxTextChars;
    private RateLimit rateLimit;
    private Duration helloTimeout;
    private Duration presenceGrace;
    private int pageMax;
    private int outboundQueueFrames;
    private long outboundQueueBytes;
    private int maxConnections;

    private Builder(Limits from) {
      maxFrameBytes = from.maxFrameBytes;
      maxTextChars = from.maxTextChars;
      rateLimit = from.rateLimit;
      helloTimeout = from.helloTimeout;
      presenceGrace = from.presenceGrace;
      pageMax = from.pageMax;
      outboundQueueFrames = from.outboundQueueFrames;
      outboundQueueBytes = from.outboundQueueBytes;
      maxConnections = from.maxConnections;
    }

    /** The largest inbound message in UTF-8 bytes. */
    public Builder maxFrameBytes(int value) {
      maxFrameBytes = value;
      return this;
    }

    /** The longest message text in code points. */
    public Builder maxTextChars(int value) {
      maxTextChars = value;
      return this;
    }

    /** The send rate per connection, or {@code null} to turn the limit off. */
    public Builder rateLimit(RateLimit value) {
      rateLimit = value;
      return this;
    }

    /** How long a new connection may take to send {@code hello}. */
    public Builder helloTimeout(Duration value) {
      helloTimeout = value;
      return this;
    }

    /** How long a lost connection's user stays in their rooms. */
    public Builder presenceGrace(Duration value) {
      presenceGrace = value;
      return this;
    }

    /** The most messages in one page. */
    public Builder pageMax(int value) {
      pageMax = value;
      return this;
    }

    /** The most frames queued to one connection. */
    public Builder outboundQueueFrames(int value) {
      outboundQueueFrames = value;
      return this;
    }

    /** The most bytes queued to one connection. */
    public Builder outboundQueueBytes(long value) {
      outboundQueueBytes = value;
      return this;
    }

    /**
     * The most connections open at once, over all clients (a connection counts from its WebSocket
     * open to its close, whether or not it said {@code hello}). Past it a new connection is closed
     * with 1013 (try again later). Default 10,000.
     */
    public Builder maxConnections(int value) {
      maxConnections = value;
      return this;
    }

    /**
     * Returns the limits.
     *
     * @throws IllegalArgumentException when a setting is out of range
     */
    public Limits build() {
      return new Limits(
          maxFrameBytes,
          maxTextChars,
          rateLimit,
          helloTimeout,
          presenceGrace,
          pageMax,
          outboundQueueFrames,
          outboundQueueBytes,
          maxConnections);
    }
  }
}
