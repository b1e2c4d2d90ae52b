package dev.natter.chat.internal.engine;

import dev.natter.chat.Authenticator;
import dev.natter.chat.ChatException;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatServer;
import dev.natter.chat.ChatServerListener;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.Limits;
import dev.natter.chat.Presence;
import dev.natter.chat.RoomInfo;
import dev.natter.chat.RoomAuthorizer;
import dev.natter.chat.Rooms;
import dev.natter.chat.User;
import dev.natter.chat.internal.DaemonThreads;
import dev.natter.chat.internal.SerialExecutor;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.PreparedFrame;
import dev.natter.chat.spi.ServerConnection;
import dev.natter.chat.spi.ServerConnectionListener;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.ServerTransportListener;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link ChatServer}: connection and session lifecycle. Requests after {@code welcome} are
 * {@link Requests}' work; storing and fanning out messages is {@link RoomRegistry}'s.
 */
public final class ChatEngine implements ChatServer, ServerTransportListener {
  private static final System.Logger LOG = System.getLogger(ChatEngine.class.getName());
  static final int PROTOCOL_VERSION = 1;
  static final int MAX_DIRECTS_IN_WELCOME = 100;

  private enum State { NEW, RUNNING, SHUTTING_DOWN, TERMINATED }

  private final ServerTransport transport;
  private final HistoryStore store;
  private final Authenticator authenticator;
  private final Limits limits;
  private final Clock clock;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final ScheduledExecutorService scheduler;
  private final Duration shutdownTimeout;
  /** Requests a connection is handling right now; see {@link #enterRequest()}. */
  private final AtomicInteger requestsInHand = new AtomicInteger();
  private final Ids ids = new Ids();
  private final SessionRegistry sessions = new SessionRegistry(ids);
  private final RoomRegistry rooms;
  private final Requests requests;
  private final Rights rights;
  private final IdempotencyCache idempotency;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  // The size of `connections`, counted apart so that admitting one more under the cap is atomic.
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final AtomicBoolean released = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  /** How long a room's sequencer lets a hole stay open before it reads the store; see {@link RoomSequencer}. */
  private volatile Duration gapFillDelay = RoomSequencer.DEFAULT_GAP_FILL_DELAY;

  public ChatEngine(
      ServerTransport transport,
      HistoryStore store,
      Authenticator authenticator,
      RoomAuthorizer roomAuthorizer,
      Limits limits,
      Clock clock,
      Executor executor,
      ChatServerListener listener,
      Duration shutdownTimeout) {
    this.transport = transport;
    this.store = store;
    this.authenticator = authenticator;
    this.limits = limits;
    this.clock = clock;
    this.shutdownTimeout = shutdownTimeout;
    if (executor == null) {
      int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
      this.ownedExecutor = Executors.newFixedThreadPool(threads, new DaemonThreads("natter-engine"));
      this.executor = ownedExecutor;
    } else {
      this.ownedExecutor = null;
      this.executor = executor;
    }
    this.scheduler = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("natter-timer"));
    this.idempotency = new IdempotencyCache(store, clock.millis());
    this.rooms = new RoomRegistry(store, sessions, this::prepare, listener, this::armGapFill);
    this.rights = new Rights(roomAuthorizer, store);
    this.requests = new Requests(store, sessions, rooms, idempotency, limits, clock, ids, rights);
  }

  // ---- lifecycle ----

  @Override
  public ChatServer start() throws IOException {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException("the server was already started: " + state.get());
    }
    try {
      transport.start(this);
    } catch (IOException | RuntimeException e) {
      state.set(State.TERMINATED);
      release();
      throw e;
    }
    long sweep = IdempotencyCache.WINDOW.toMillis() / 10;
    scheduler.scheduleWithFixedDelay(
        () -> idempotency.expire(clock.millis()), sweep, sweep, TimeUnit.MILLISECONDS);
    return this;
  }

  @Override
  public void shutdown() {
    if (state.compareAndSet(State.NEW, State.TERMINATED)) {
      release();
      return;
    }
    if (!state.compareAndSet(State.RUNNING, State.SHUTTING_DOWN)) {
      return;
    }
    transport.stopAccepting();
    // Bounded: a connection that does not drain in time is cut when the transport closes.
    try {
      scheduler.schedule(this::release, shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException alreadyReleased) {
      // release() ran already.
    }
    closeConnectionsOnceDrained(System.nanoTime() + shutdownTimeout.toNanos() / 2);
  }

  /**
   * Closes every connection with 1001 once the messages already handed to the store are delivered (their
   * acks and broadcasts queued), or at {@code deadlineNanos}. Connections read no new request meanwhile
   * ({@link #isShutdown()}), so a message the server stored reaches its sender and its room before the
   * close; one it did not store is resent by the client elsewhere.
   */
  private void closeConnectionsOnceDrained(long deadlineNanos) {
    boolean drained = requestsInHand.get() == 0 && rooms.idle();
    if (!drained && System.nanoTime() < deadlineNanos) {
      try {
        scheduler.schedule(() -> closeConnectionsOnceDrained(deadlineNanos), 10, TimeUnit.MILLISECONDS);
        return;
      } catch (RejectedExecutionException alreadyReleased) {
        // release() ran already: close now.
      }
    }
    for (Connection connection : connections) {
      connection.close(CloseCodes.GOING_AWAY, "server shutting down");
    }
    releaseWhenIdle();
  }

  /**
   * Called before a connection handles a request: false once the server is shutting down, and the
   * request is then not read. Otherwise the request counts as in hand until {@link #exitRequest()}, so a
   * shutdown waits for what it may hand to the store.
   */
  boolean enterRequest() {
    requestsInHand.incrementAndGet();
    if (isShutdown()) {
      requestsInHand.decrementAndGet();
      return false;
    }
    return true;
  }

  /** A request {@link #enterRequest() entered} was answered, or handed to the store. */
  void exitRequest() {
    requestsInHand.decrementAndGet();
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public boolean isShutdown() {
    return state.get().compareTo(State.SHUTTING_DOWN) >= 0;
  }

  @Override
  public boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  @Override
  public void close() {
    shutdown();
    try {
      if (!awaitTermination(shutdownTimeout)) {
        release();
      }
    } catch (InterruptedException e) {
      release();
      Thread.currentThread().interrupt();
    }
  }

  private void releaseWhenIdle() {
    if (connections.isEmpty()) {
      release();
    }
  }

  /** Releases the transport, the store and the threads this server created. Runs once. */
  private void release() {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    state.set(State.TERMINATED);
    try {
      transport.close();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "closing the transport failed", e);
    }
    try {
      store.close();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "closing the history store failed", e);
    }
    scheduler.shutdownNow();
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
    terminated.countDown();
  }

  // ---- connections ----

  @Override
  public Limits limits() {
    return limits;
  }

  @Override
  public ServerConnectionListener connectionOpened(ServerConnection transportConnection) {
    Connection connection =
        new Connection(this, transportConnection, limits, new SerialExecutor(executor));
    if (state.get() != State.RUNNING) {
      connection.close(CloseCodes.GOING_AWAY, "server shutting down");
      return connection;
    }
    if (openConnections.incrementAndGet() > limits.maxConnections()) {
      openConnections.decrementAndGet();
      connection.close(CloseCodes.TRY_AGAIN_LATER, "too many connections");
      return connection;
    }
    connections.add(connection);
    connection.helloTimer = schedule(connection::helloDeadlinePassed, limits.helloTimeout());
    return connection;
  }

  /** The transport reported the end of a connection. Runs on the connection's lane. */
  void connectionClosed(Connection connection, Session session, int code) {
    if (connections.remove(connection)) { // refused ones were never counted
      openConnections.decrementAndGet();
    }
    if (state.get() != State.RUNNING) {
      if (state.get() == State.SHUTTING_DOWN) {
        releaseWhenIdle();
      }
      return;
    }
    if (session == null) {
      return;
    }
    if (code == CloseCodes.NORMAL) {
      if (sessions.end(session, connection)) {
        leaveAll(session, Presence.Reason.LEFT);
      }
    } else {
      sessions.detach(session, connection, this::scheduleGraceEnd);
    }
  }

  private java.util.concurrent.ScheduledFuture<?> scheduleGraceEnd(Session session) {
    return schedule(() -> executor.execute(() -> {
      if (sessions.isDetached(session) && sessions.end(session, null)) {
        leaveAll(session, Presence.Reason.DISCONNECT);
      }
    }), limits.presenceGrace());
  }

  private void leaveAll(Session session, Presence.Reason reason) {
    for (String room : List.copyOf(session.rooms)) {
      rooms.leave(session, room, reason);
    }
  }

  private java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      return null;
    }
  }

  /** Sets the gap-fill delay of the rooms' sequencers (default 100 ms); for tests. */
  void gapFillDelay(Duration delay) {
    this.gapFillDelay = delay;
  }

  /** A room this server has opened, or {@code null}; for tests. */
  Room existingRoom(String name) {
    return rooms.existing(name);
  }

  // A gap fill reads the store, which may block: the timer only hands it to the executor.
  private void armGapFill(Runnable fill) {
    schedule(() -> {
      try {
        executor.execute(fill);
      } catch (RejectedExecutionException shuttingDown) {
        // The server is closing: the hole no longer matters.
      }
    }, gapFillDelay);
  }

  PreparedFrame prepare(ServerFrame frame) {
    return transport.prepare(frame);
  }

  // ---- frames ----

  /** Before {@code welcome} only {@code hello} is accepted. Runs on the connection's lane. */
  ServerFrame handleBeforeWelcome(Connection connection, ClientFrame frame) {
    if (frame instanceof ClientFrame.Hello hello) {
      return hello(connection, hello);
    }
    if (frame instanceof ClientFrame.Malformed malformed) {
      throw Connection.badRequest(malformed.problem());
    }
    connection.closeAfterReply(CloseCodes.NOT_AUTHENTICATED);
    throw ChatStatus.of(ChatStatus.Code.NOT_AUTHENTICATED, "send hello first").asException();
  }

  /** A frame after {@code welcome}. Runs on the connection's lane. */
  ServerFrame handle(Connection connection, Session session, ClientFrame frame) {
    if (frame instanceof ClientFrame.Hello) {
      throw Connection.badRequest("the session has started already");
    }
    return requests.handle(connection, session, frame);
  }

  private ServerFrame hello(Connection connection, ClientFrame.Hello hello) {
    if (hello.v() != null && hello.v() != PROTOCOL_VERSION) {
      throw ChatStatus.of(ChatStatus.Code.UNSUPPORTED_VERSION, "this server speaks version 1")
          .asException();
    }
    User user = authenticate(connection, hello);
    if (user.id().equals(User.SYSTEM.id())) {
      throw ChatStatus.of(ChatStatus.Code.NAME_TAKEN, "that name is reserved").asException();
    }
    connection.holdUntilWelcome();
    SessionRegistry.Opened opened =
        sessions.open(user, !authenticator.allowsConcurrentSessions(), hello.resume(), connection);
    connection.attach(opened.session());
    // Read once the connection is in the session: a direct message stored meanwhile is then in the list,
    // or delivered live after the welcome (held until it went out), or both; never neither.
    List<DirectConversation> directs;
    try {
      directs = store.directConversations(user.id(), MAX_DIRECTS_IN_WELCOME);
    } catch (RuntimeException e) {
      // The session is open already: close the connection so the client reconnects and resumes it.
      LOG.log(System.Logger.Level.ERROR, "reading the direct conversations of a welcome failed", e);
      connection.closeAfterReply(CloseCodes.SERVER_ERROR);
      throw ChatStatus.of(ChatStatus.Code.INTERNAL, "the server could not start the session").asException();
    }
    if (opened.previous() != null && opened.previous() != connection) {
      opened.previous().close(CloseCodes.SESSION_TAKEN_OVER, "session resumed elsewhere");
    }
    // After a resume, the rooms the session kept: a room it was kicked from while away is missing, so
    // the client does not rejoin it as if nothing had happened.
    List<String> rooms = opened.session().rooms.stream().sorted().toList();
    return new ServerFrame.Welcome(
        hello.id(), PROTOCOL_VERSION, user, opened.token(), opened.resumed(), directs, rooms, limits);
  }

  private User authenticate(Connection connection, ClientFrame.Hello hello) {
    try {
      return authenticator.authenticate(
          new Authenticator.AuthRequest(hello.name(), hello.token(), connection.transport.handshake()));
    } catch (ChatException e) {
      if (e.code() == ChatStatus.Code.AUTH_FAILED) {
        connection.closeAfterReply(CloseCodes.NOT_AUTHENTICATED);
      }
      throw e;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "the authenticator failed", e);
      throw ChatStatus.of(ChatStatus.Code.INTERNAL, "authentication failed on the server").asException();
    }
  }

  // ---- server-side API ----

  @Override
  public CompletableFuture<ChatMessage> post(String room, String text) {
    if (!Rooms.isValidName(room)) {
      return CompletableFuture.failedFuture(
          ChatStatus.of(ChatStatus.Code.INVALID_NAME, "invalid room name: " + room).asException());
    }
    if (isShutdown()) {
      return CompletableFuture.failedFuture(
          ChatStatus.of(ChatStatus.Code.UNAVAILABLE, "the server is shut down").asException());
    }
    try {
      requests.checkText(text);
    } catch (ChatException e) {
      return CompletableFuture.failedFuture(e);
    }
    // Completed on the server's executor, never on the store's thread, whatever the caller chains on it.
    CompletableFuture<ChatMessage> posted = new CompletableFuture<>();
    requests.publish(room, User.SYSTEM, null, text, null).whenCompleteAsync((message, error) -> {
      if (error == null) {
        posted.complete(message);
      } else {
        posted.completeExceptionally(error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error);
      }
    }, executor);
    return posted;
  }

  @Override
  public List<RoomInfo> rooms() {
    return rooms.list();
  }

  @Override
  public List<User> members(String room) {
    return rooms.members(room);
  }

  @Override
  public List<User> onlineUsers() {
    return sessions.online();
  }

  // ---- moderation ----

  @Override
  public boolean kick(String room, String userId) {
    checkModerated(room, userId);
    return rooms.kick(room, userId);
  }

  @Override
  public void ban(String room, String userId) {
    checkModerated(room, userId);
    try {
      store.setBanned(room, userId, true);
    } catch (ChatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw ChatStatus.of(ChatStatus.Code.INTERNAL, "the history store could not record the ban")
          .asException();
    }
    rooms.kick(room, userId);
  }

  @Override
  public void unban(String room, String userId) {
    checkModerated(room, userId);
    store.setBanned(room, userId, false);
  }

  @Override
  public void mute(String room, String userId) {
    checkModerated(room, userId);
    rights.mute(room, userId, true);
  }

  @Override
  public void unmute(String room, String userId) {
    checkModerated(room, userId);
    rights.mute(room, userId, false);
  }

  @Override
  public int disconnect(String userId) {
    if (!User.isValidId(userId)) {
      throw new IllegalArgumentException("not a valid user id: " + userId);
    }
    int ended = 0;
    for (Session session : sessions.sessionsOf(userId)) {
      Connection connection = session.connection;
      if (sessions.end(session, null)) {
        ended++;
        leaveAll(session, Presence.Reason.KICKED);
      }
      if (connection != null) {
        connection.close(CloseCodes.KICKED, "disconnected by the server");
      }
    }
    return ended;
  }

  private static void checkModerated(String room, String userId) {
    if (!Rooms.isValidName(room)) {
      throw new IllegalArgumentException("not a room that can be moderated: " + room);
    }
    if (!User.isValidId(userId)) {
      throw new IllegalArgumentException("not a valid user id: " + userId);
    }
  }

  @Override
  public String toString() {
    return "ChatServer[" + transport + ", " + store + ", " + state.get() + "]";
  }
}
