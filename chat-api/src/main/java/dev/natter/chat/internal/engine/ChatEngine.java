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
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.spi.cluster.ClusterListener;
import dev.natter.chat.spi.cluster.PresenceChange;
import dev.natter.chat.spi.cluster.SessionDirectory;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
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
  /** How often a cluster node compares its followed rooms with the store and the directory. */
  static final Duration CATCH_UP_INTERVAL = Duration.ofSeconds(30);
  /**
   * How many of a user's direct conversations a cluster node reads when it begins following the user.
   * A conversation beyond it starts from the store's latest when opened here, and may then miss a message
   * another node stored a moment before.
   */
  static final int MAX_DIRECT_BASELINES = 10_000;

  private enum State { NEW, RUNNING, SHUTTING_DOWN, TERMINATED }

  private final ServerTransport transport;
  private final HistoryStore store;
  private final Cluster cluster;
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
  private final SessionRegistry sessions = new SessionRegistry();
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
      Cluster cluster,
      Authenticator authenticator,
      RoomAuthorizer roomAuthorizer,
      Limits limits,
      Clock clock,
      Executor executor,
      ChatServerListener listener,
      Duration shutdownTimeout) {
    this.transport = transport;
    this.store = store;
    this.cluster = cluster;
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
    this.idempotency = new IdempotencyCache(store, clock.millis(), cluster.soleWriter());
    this.rooms = new RoomRegistry(store, sessions, cluster, this::prepare, listener, this::armGapFill);
    this.rights = new Rights(roomAuthorizer, store, cluster.memberships());
    this.requests = new Requests(store, cluster, rooms, idempotency, limits, clock, ids, rights);
  }

  // ---- lifecycle ----

  @Override
  public ChatServer start() throws IOException {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException("the server was already started: " + state.get());
    }
    try {
      cluster.start(new ClusterEvents());
      transport.start(this);
    } catch (IOException | RuntimeException e) {
      state.set(State.TERMINATED);
      release();
      throw e;
    }
    long sweep = IdempotencyCache.WINDOW.toMillis() / 10;
    scheduler.scheduleWithFixedDelay(
        () -> idempotency.expire(clock.millis()), sweep, sweep, TimeUnit.MILLISECONDS);
    if (!cluster.soleWriter()) {
      // The backstop for anything the bus lost that nothing else revealed: the last message of a burst.
      long every = CATCH_UP_INTERVAL.toMillis();
      scheduler.scheduleWithFixedDelay(() -> executor.execute(rooms::catchUp), every, every, TimeUnit.MILLISECONDS);
    }
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
    detachSessionsFromTheCluster();
    try {
      cluster.close();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "closing the cluster failed", e);
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

  // A node leaving a cluster: its sessions wait for their clients to resume on another node, and the
  // cluster ends those that do not come back once their grace period is over. Stops at the first failure:
  // the directory is unreachable, and the cluster's reaper treats them as a dead node's.
  private void detachSessionsFromTheCluster() {
    if (cluster.soleWriter()) {
      return;
    }
    for (Session session : sessions.all()) {
      try {
        cluster.sessions().detach(session.id, session.token);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "the cluster could not detach the sessions of this node", e);
        return;
      }
    }
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
    if (!sessions.isAttachedTo(session, connection)) {
      return; // resumed on another connection meanwhile
    }
    String token = session.token;
    if (code == CloseCodes.NORMAL) {
      end(session, token, Presence.Reason.LEFT);
      return;
    }
    boolean detached;
    try {
      detached = cluster.sessions().detach(session.id, token);
    } catch (RuntimeException e) {
      // Keep the grace timer: its end asks the directory again.
      LOG.log(System.Logger.Level.WARNING, "the cluster could not detach " + session, e);
      detached = true;
    }
    if (detached) {
      sessions.detach(session, connection, this::scheduleGraceEnd);
    }
  }

  private java.util.concurrent.ScheduledFuture<?> scheduleGraceEnd(Session session) {
    String token = session.token;
    return schedule(() -> executor.execute(() -> {
      if (sessions.isDetached(session)) {
        end(session, token, Presence.Reason.DISCONNECT);
      }
    }), limits.presenceGrace());
  }

  // Ends a session in the cluster, unless it was resumed since `token`; then forgets it here.
  private void end(Session session, String token, Presence.Reason reason) {
    SessionDirectory.Ended ended;
    try {
      ended = cluster.sessions().end(session.id, token, reason);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the cluster could not end " + session, e);
      return;
    }
    if (ended.ended() > 0) {
      forget(session, ended.changes());
    }
  }

  // Takes a session off this node: out of its rooms here, then the directory's changes applied.
  private void forget(Session session, List<PresenceChange> changes) {
    SessionRegistry.Removed removed = sessions.remove(session);
    if (removed == SessionRegistry.Removed.ALREADY) {
      changes.forEach(rooms::applyOwn);
      return;
    }
    rooms.forget(session, changes);
    if (removed == SessionRegistry.Removed.LAST_OF_USER) {
      String userId = session.user.id();
      cluster.bus().unfollowUser(userId);
      rooms.forgetDirectRoomsOf(userId);
      if (!sessions.sessionsOf(userId).isEmpty()) {
        // A session of the user arrived meanwhile and followed first: follow again.
        try {
          cluster.bus().followUser(userId);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "following " + userId + " again failed", e);
        }
      }
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
    SessionDirectory.Opened opened =
        cluster.sessions().open(user, !authenticator.allowsConcurrentSessions(), hello.resume());
    SessionRegistry.Attached attached = sessions.attach(opened, user, connection);
    Session session = attached.session();
    connection.attach(session);
    // Read once the connection is in the session (and the node follows the user): a direct message
    // stored meanwhile is then in the list, or delivered live after the welcome (held until it went out),
    // or both; never neither.
    List<DirectConversation> directs;
    try {
      if (attached.firstOfUser()) {
        cluster.bus().followUser(user.id());
      }
      if (attached.firstOfUser() && !cluster.soleWriter()) {
        // Read after following the user: every direct message stored later arrives on the bus.
        List<DirectConversation> all = store.directConversations(user.id(), MAX_DIRECT_BASELINES);
        rooms.recordDirectBaselines(user.id(), all);
        directs = all.subList(0, Math.min(all.size(), MAX_DIRECTS_IN_WELCOME));
      } else {
        directs = store.directConversations(user.id(), MAX_DIRECTS_IN_WELCOME);
      }
      if (opened.resumed()) {
        if (attached.arrived()) {
          rooms.adopt(session); // resumed from another node: its rooms now deliver here
        } else {
          rooms.keepOnly(session, opened.rooms());
        }
      }
    } catch (RuntimeException e) {
      // The session is open already: close the connection so the client reconnects and resumes it.
      LOG.log(System.Logger.Level.ERROR, "starting the session of a welcome failed", e);
      connection.closeAfterReply(CloseCodes.SERVER_ERROR);
      throw ChatStatus.of(ChatStatus.Code.INTERNAL, "the server could not start the session").asException();
    }
    if (attached.previous() != null && attached.previous() != connection) {
      attached.previous().close(CloseCodes.SESSION_TAKEN_OVER, "session resumed elsewhere");
    }
    // After a resume, the rooms the session kept: a room it was kicked from while away is missing, so
    // the client does not rejoin it as if nothing had happened.
    List<String> joined = session.rooms.stream().sorted().toList();
    return new ServerFrame.Welcome(
        hello.id(), PROTOCOL_VERSION, user, opened.token(), opened.resumed(), directs, joined, limits);
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
    return cluster.sessions().onlineUsers();
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
    SessionDirectory.Ended ended = cluster.sessions().disconnect(userId);
    dropUser(userId, ended.changes());
    return ended.ended();
  }

  // Forgets every session of a user here, then closes their connections: they were ended in the
  // cluster, by this node (with `changes` to apply) or by another.
  private void dropUser(String userId, List<PresenceChange> changes) {
    List<Connection> closing = new java.util.ArrayList<>();
    for (Session session : List.copyOf(sessions.sessionsOf(userId))) {
      Connection connection = session.connection;
      forget(session, List.of());
      if (connection != null) {
        closing.add(connection);
      }
    }
    changes.forEach(rooms::applyOwn);
    closing.forEach(connection -> connection.close(CloseCodes.KICKED, "disconnected by the server"));
  }

  private static void checkModerated(String room, String userId) {
    if (!Rooms.isValidName(room)) {
      throw new IllegalArgumentException("not a room that can be moderated: " + room);
    }
    if (!User.isValidId(userId)) {
      throw new IllegalArgumentException("not a valid user id: " + userId);
    }
  }

  /**
   * What the cluster reports of the other nodes, handed to the engine's executor. A room's messages and
   * changes keep the order the cluster handed them over in (one lane per room, rooms spread over a few
   * lanes): on many threads they would overtake each other and leave holes for the sequencer to wait on.
   */
  private final class ClusterEvents implements ClusterListener {
    private final SerialExecutor[] lanes = new SerialExecutor[2 * Runtime.getRuntime().availableProcessors()];

    ClusterEvents() {
      for (int i = 0; i < lanes.length; i++) {
        lanes[i] = new SerialExecutor(executor);
      }
    }

    @Override
    public void messageArrived(ChatMessage message) {
      inLaneOf(message.room(), () -> rooms.arrived(message));
    }

    @Override
    public void presenceArrived(PresenceChange change) {
      inLaneOf(change.presence().room(), () -> rooms.applyArrived(change));
    }

    private void inLaneOf(String room, Runnable task) {
      try {
        lanes[Math.floorMod(room.hashCode(), lanes.length)].execute(task);
      } catch (RejectedExecutionException shuttingDown) {
        // The server is closing: nothing left to deliver to.
      }
    }

    @Override
    public void sessionTakenOver(String sessionId) {
      run(() -> {
        Session session = sessions.get(sessionId);
        if (session != null) {
          Connection connection = session.connection;
          forget(session, List.of());
          if (connection != null) {
            connection.close(CloseCodes.SESSION_TAKEN_OVER, "session resumed elsewhere");
          }
        }
      });
    }

    @Override
    public void userDisconnected(String userId) {
      run(() -> dropUser(userId, List.of()));
    }

    @Override
    public void sessionsLost(Collection<String> sessionIds) {
      List<String> lost = List.copyOf(sessionIds);
      run(() -> {
        for (String sessionId : lost) {
          Session session = sessions.get(sessionId);
          if (session != null) {
            Connection connection = session.connection;
            forget(session, List.of());
            if (connection != null) {
              connection.close(CloseCodes.GOING_AWAY, "session lost by the cluster");
            }
          }
        }
      });
    }

    @Override
    public void catchUp() {
      run(rooms::catchUp);
    }

    private void run(Runnable task) {
      try {
        executor.execute(task);
      } catch (RejectedExecutionException shuttingDown) {
        // The server is closing: nothing left to deliver to.
      }
    }
  }

  @Override
  public String toString() {
    return "ChatServer[" + transport + ", " + store + ", " + cluster + ", " + state.get() + "]";
  }
}
