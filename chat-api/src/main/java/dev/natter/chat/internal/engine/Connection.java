package dev.natter.chat.internal.engine;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.Limits;
import dev.natter.chat.internal.SerialExecutor;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerConnection;
import dev.natter.chat.spi.ServerConnectionListener;
import dev.natter.chat.spi.ServerFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's side of one transport connection: its ordered lane for inbound frames, its bounded
 * outbound queue, and the per-connection counters (bad frames, rate limit).
 *
 * <p>Frames and the close are handled one at a time on {@link #lane}, so a connection's requests take
 * effect in the order they were sent, and the transport's thread only enqueues.
 */
final class Connection implements ServerConnectionListener {
  private static final System.Logger LOG = System.getLogger(Connection.class.getName());
  private static final int MAX_BAD_FRAMES_IN_A_ROW = 20;
  private static final int MAX_RATE_LIMITED_IN_A_ROW = 5;
  private static final int MAX_ID_LENGTH = 64;

  final ServerConnection transport;
  private final ChatEngine engine;
  private final Limits limits;
  private final SerialExecutor lane;
  private final AtomicInteger queuedFrames = new AtomicInteger();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final Object welcomeLock = new Object();
  /** Frames for this connection's session that came before its welcome went out; guarded by welcomeLock. */
  private List<PreparedFrame> heldForWelcome;
  /**
   * Whether {@code heldForWelcome} may be set: read without the lock on every delivery, so that after the
   * welcome a delivery takes no lock. Cleared under the lock once the held frames are queued.
   */
  private volatile boolean holding;

  // Confined to the lane.
  private Session session;
  private int badFramesInARow;
  private int rateLimitedInARow;
  private TokenBucket bucket;
  private int closeAfterReply;
  private volatile boolean ended;
  volatile ScheduledFuture<?> helloTimer;

  Connection(ChatEngine engine, ServerConnection transport, Limits limits, SerialExecutor lane) {
    this.engine = engine;
    this.transport = transport;
    this.limits = limits;
    this.lane = lane;
  }

  @Override
  public void frameReceived(ClientFrame frame) {
    enqueue(() -> handle(frame));
  }

  @Override
  public void closed(int code, String reason) {
    enqueue(() -> {
      ended = true;
      cancelHelloTimer();
      engine.connectionClosed(this, session, code);
    });
  }

  private void enqueue(Runnable task) {
    try {
      lane.execute(task);
    } catch (RejectedExecutionException e) {
      // The server released its threads (after shutdown): nothing is left to handle this.
      ended = true;
    }
  }

  /** Runs on the lane when the hello deadline passes. */
  void helloDeadlinePassed() {
    enqueue(() -> {
      if (session == null && !ended) {
        close(CloseCodes.NOT_AUTHENTICATED, "no hello in time");
      }
    });
  }

  private void handle(ClientFrame frame) {
    if (ended || closing.get()) {
      return;
    }
    // A server shutting down reads no new request: the client resends what got no answer elsewhere.
    if (!engine.enterRequest()) {
      return;
    }
    try {
      answer(frame);
    } finally {
      engine.exitRequest();
    }
  }

  private void answer(ClientFrame frame) {
    String id = frame.id() != null && frame.id().length() <= MAX_ID_LENGTH ? frame.id() : null;
    ServerFrame reply;
    try {
      if (frame.id() != null && id == null) {
        throw badRequest("id must be a string of at most 64 characters");
      }
      reply = session == null ? engine.handleBeforeWelcome(this, frame) : engine.handle(this, session, frame);
    } catch (ChatException e) {
      reply = new ServerFrame.ErrorReply(id, e.status());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "failed to handle " + frame.getClass().getSimpleName(), e);
      reply = new ServerFrame.ErrorReply(id, ChatStatus.of(ChatStatus.Code.INTERNAL, "server error"));
    }
    if (reply != null) {
      sendReply(reply);
    }
    countBadFrames(reply);
    if (closeAfterReply != 0) {
      close(closeAfterReply, "closed after " + (reply instanceof ServerFrame.ErrorReply e
          ? e.status().code().wireName() : "reply"));
    }
  }

  private void countBadFrames(ServerFrame reply) {
    boolean bad = reply instanceof ServerFrame.ErrorReply error
        && error.status().code() == ChatStatus.Code.BAD_REQUEST;
    badFramesInARow = bad ? badFramesInARow + 1 : 0;
    if (badFramesInARow >= MAX_BAD_FRAMES_IN_A_ROW) {
      closeAfterReply = CloseCodes.BAD_FRAMES;
    }
  }

  /** Asks for the connection to be closed with {@code code} once the current reply is sent. */
  void closeAfterReply(int code) {
    closeAfterReply = code;
  }

  /** The session started on this connection. Called on the lane. */
  void attach(Session attached) {
    session = attached;
    cancelHelloTimer();
  }

  /**
   * Takes a token for a send, or throws {@code rate_limited}; the fifth refusal in a row also closes the
   * connection (4008) after the error. Called on the lane.
   */
  void takeSendToken(long nowMillis) {
    Limits.RateLimit rate = limits.rateLimit();
    if (rate == null) {
      return;
    }
    if (bucket == null) {
      bucket = new TokenBucket(rate, nowMillis);
    }
    long waitMillis = bucket.tryTake(nowMillis);
    if (waitMillis == 0) {
      return;
    }
    if (++rateLimitedInARow >= MAX_RATE_LIMITED_IN_A_ROW) {
      closeAfterReply(CloseCodes.RATE_LIMITED);
    }
    throw ChatStatus.of(ChatStatus.Code.RATE_LIMITED, "slow down")
        .withRetryAfter(Duration.ofMillis(waitMillis))
        .asException();
  }

  /** A send was accepted: the run of rate-limited sends is over. Called on the lane. */
  void sendAccepted() {
    rateLimitedInARow = 0;
  }

  /** Sends a reply made for this connection alone. */
  void send(ServerFrame frame) {
    deliver(engine.prepare(frame));
  }

  /**
   * Holds every frame {@link #deliver delivered} from now until the reply to {@code hello} is sent, so
   * nothing of the session reaches the client before its {@code welcome}. Called on the lane before the
   * session is opened, so that what the welcome reads (the direct conversations) can be read after the
   * connection joined the session without losing what arrives in between.
   */
  void holdUntilWelcome() {
    synchronized (welcomeLock) {
      heldForWelcome = new ArrayList<>();
      holding = true;
    }
  }

  /**
   * Sends a reply: a {@code welcome} first and then the frames held for it; a refused {@code hello}
   * without them (a client learns nothing of a session it was not welcomed to). Called on the lane.
   */
  private void sendReply(ServerFrame reply) {
    synchronized (welcomeLock) {
      if (heldForWelcome != null) {
        List<PreparedFrame> held = heldForWelcome;
        heldForWelcome = null;
        enqueueOutbound(engine.prepare(reply));
        if (reply instanceof ServerFrame.Welcome) {
          held.forEach(this::enqueueOutbound);
        }
        // Only now may a delivery skip the lock: it then comes after the welcome and what was held.
        holding = false;
        return;
      }
    }
    send(reply);
  }

  /**
   * Queues a prepared frame without blocking, or holds it while the welcome is on its way. Past the
   * queue's bound the connection is closed as too slow (4009) and the frame dropped; nobody else waits.
   */
  void deliver(PreparedFrame frame) {
    if (holding) {
      synchronized (welcomeLock) {
        if (heldForWelcome != null) {
          heldForWelcome.add(frame);
          return;
        }
      }
    }
    enqueueOutbound(frame);
  }

  private void enqueueOutbound(PreparedFrame frame) {
    if (ended || closing.get()) {
      return;
    }
    int size = frame.sizeBytes();
    int frames = queuedFrames.incrementAndGet();
    long bytes = queuedBytes.addAndGet(size);
    if (frames > limits.outboundQueueFrames() || bytes > limits.outboundQueueBytes()) {
      queuedFrames.decrementAndGet();
      queuedBytes.addAndGet(-size);
      close(CloseCodes.SLOW_CONSUMER, "too slow to read");
      return;
    }
    transport.send(frame, () -> {
      queuedFrames.decrementAndGet();
      queuedBytes.addAndGet(-size);
    });
  }

  /** Closes the connection once; the transport reports the end through {@link #closed}. */
  void close(int code, String reason) {
    if (closing.compareAndSet(false, true)) {
      cancelHelloTimer();
      transport.close(code, reason);
    }
  }

  private void cancelHelloTimer() {
    ScheduledFuture<?> timer = helloTimer;
    if (timer != null) {
      timer.cancel(false);
    }
  }

  static ChatException badRequest(String message) {
    return ChatStatus.of(ChatStatus.Code.BAD_REQUEST, message).asException();
  }

  @Override
  public String toString() {
    return "Connection[" + transport.handshake().remoteAddress() + "]";
  }
}
