package dev.natter.chat.internal.client;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatException;
import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.ConnectionState;
import dev.natter.chat.Cursor;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.Disconnect;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.JoinResult;
import dev.natter.chat.Limits;
import dev.natter.chat.PageRequest;
import dev.natter.chat.Presence;
import dev.natter.chat.Recovery;
import dev.natter.chat.ReconnectPolicy;
import dev.natter.chat.RoomInfo;
import dev.natter.chat.SendReceipt;
import dev.natter.chat.User;
import dev.natter.chat.Welcome;
import dev.natter.chat.spi.ClientConnection;
import dev.natter.chat.spi.ClientConnectionListener;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.CloseCodes;
import dev.natter.chat.spi.ServerFrame;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link ChatClient}: one session across as many connections as it takes.
 *
 * <p>Each connection attempt is a {@link Link}; events of a link the client gave up on are ignored. The
 * state lives under one lock, held briefly and never while calling out: listener calls are queued on an
 * {@link EventLane} (run by the transport's delivery thread, usually), futures complete on the callback
 * executor after the lock is released, connections are closed after it too. Frames are sent under the
 * lock, so they leave in the order the state decided (rejoins before the outbox, say); a transport's
 * {@code send} only queues.
 */
public final class DefaultChatClient implements ChatClient {
  private static final System.Logger LOG = System.getLogger(DefaultChatClient.class.getName());
  /** How many direct conversations a {@code welcome} lists at most (PROTOCOL.md section 4). */
  static final int MAX_DIRECTS = 100;
  static final int MAX_CID_LENGTH = 64;
  /** How often overdue requests are looked for. */
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

  private enum Phase { NEW, CONNECTING, CONNECTED, WAITING, RECONNECTING, CLOSED }

  private final ClientTransport transport;
  private final String name;
  /** Where each attempt's token comes from; {@code null} for none. */
  private final Supplier<String> tokens;
  private final ChatListener listener;
  private final Executor callbackExecutor;
  private final Duration requestTimeout;
  private final Duration heartbeat;
  private final ReconnectPolicy policy;
  private final ClientScheduler scheduler;
  private final DoubleSupplier random;

  private final Object lock = new Object();
  private final EventLane events = new EventLane();
  // Guarded by lock, everything below.
  private final ArrayDeque<Runnable> afterUnlock = new ArrayDeque<>();
  private final Map<String, Pending> pending = new HashMap<>();
  private final Set<OutboxEntry> outbox = new LinkedHashSet<>();
  private final FollowedRooms rooms;
  private long nextId;
  private Phase phase = Phase.NEW;
  private Link link;
  private int attempt;
  private ClientScheduler.Timer reconnectTimer;
  private ClientScheduler.Timer sweepTimer;
  private String sessionToken;
  private boolean directsComplete;
  private CompletableFuture<Welcome> firstConnect;
  private volatile Welcome welcome;
  private volatile ConnectionState state;

  public DefaultChatClient(
      ClientTransport transport,
      String name,
      Supplier<String> tokens,
      String resume,
      ChatListener listener,
      Executor callbackExecutor,
      Duration requestTimeout,
      Duration heartbeat,
      ReconnectPolicy policy) {
    this(transport, name, tokens, resume, listener, callbackExecutor, requestTimeout, heartbeat, policy,
        ClientScheduler.system(), () -> ThreadLocalRandom.current().nextDouble());
  }

  /** With a scheduler and a random source of the test's choosing. */
  DefaultChatClient(
      ClientTransport transport,
      String name,
      Supplier<String> tokens,
      String resume,
      ChatListener listener,
      Executor callbackExecutor,
      Duration requestTimeout,
      Duration heartbeat,
      ReconnectPolicy policy,
      ClientScheduler scheduler,
      DoubleSupplier random) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.name = name;
    this.tokens = tokens;
    this.sessionToken = resume;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.callbackExecutor = callbackExecutor != null ? callbackExecutor : ForkJoinPool.commonPool();
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.scheduler = scheduler;
    this.random = random;
    this.rooms = new FollowedRooms(new FollowedRooms.Sink() {
      @Override
      public void message(ChatMessage message) {
        emit(l -> l.onMessage(message));
      }

      @Override
      public void recovery(Recovery recovery) {
        emit(l -> l.onRecovery(recovery));
      }
    });
  }

  // ---- lifecycle ----

  @Override
  public CompletableFuture<Welcome> connect() {
    CompletableFuture<Welcome> result = new CompletableFuture<>();
    Link first;
    synchronized (lock) {
      if (phase != Phase.NEW) {
        return CompletableFuture.failedFuture(new IllegalStateException(
            phase == Phase.CLOSED ? "the client is closed" : "connect() may be called once"));
      }
      phase = Phase.CONNECTING;
      firstConnect = result;
      first = link = new Link(0);
      setState(ConnectionState.connecting(0));
      sweepTimer = scheduler.schedule(this::sweep, SWEEP_INTERVAL);
    }
    flush();
    open(first);
    return result;
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (phase == Phase.CLOSED) {
        return;
      }
      boolean started = phase != Phase.NEW;
      Disconnect bye = new Disconnect(CloseCodes.NORMAL, "client closed");
      if (link != null && link.welcomed) {
        emit(l -> l.onDisconnected(bye));
      }
      // 1000 ends the session at once, as the user asked.
      retire(CloseCodes.NORMAL, "client closed", unavailable("the client was closed", null));
      end(started ? bye : null, "the client was closed");
    }
    flush();
  }

  @Override
  public Welcome welcome() {
    return welcome;
  }

  // ---- requests ----

  @Override
  public CompletableFuture<JoinResult> join(String room) {
    Objects.requireNonNull(room, "room");
    return request(id -> new ClientFrame.Join(id, room, null, null, null), ServerFrame.Joined.class,
        joined -> rooms.joined(joined.room(), joined.epoch(), joined.seq()), null,
        DefaultChatClient::joinResult);
  }

  @Override
  public CompletableFuture<JoinResult> join(String room, Cursor since) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(since, "since");
    return request(id -> new ClientFrame.Join(id, room, since.seq(), since.epoch(), null),
        ServerFrame.Joined.class, joined -> {
          rooms.joined(joined.room(), joined.epoch(), joined.seq());
          if (joined.recovered() != null) {
            Recovery recovery = new Recovery(joined.room(), since,
                new Cursor(joined.seq(), joined.epoch()), joined.recovered());
            emit(l -> l.onRecovery(recovery));
          }
        }, null, DefaultChatClient::joinResult);
  }

  @Override
  public CompletableFuture<Void> leave(String room) {
    Objects.requireNonNull(room, "room");
    return request(id -> new ClientFrame.Leave(id, room), ServerFrame.Ok.class,
        ok -> rooms.unfollow(room),
        status -> {
          if (status.code() == Code.NOT_MEMBER) {
            rooms.unfollow(room);
          }
        },
        ok -> null);
  }

  @Override
  public CompletableFuture<SendReceipt> send(String room, String text) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(text, "text");
    return submit(new ClientFrame.Send(null, room, null, text, newCid()));
  }

  @Override
  public CompletableFuture<SendReceipt> send(String room, String text, String cid) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(text, "text");
    return submit(new ClientFrame.Send(null, room, null, text, checkedCid(cid)));
  }

  @Override
  public CompletableFuture<SendReceipt> sendDirect(String userId, String text) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(text, "text");
    return submit(new ClientFrame.Send(null, null, userId, text, newCid()));
  }

  @Override
  public CompletableFuture<SendReceipt> sendDirect(String userId, String text, String cid) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(text, "text");
    return submit(new ClientFrame.Send(null, null, userId, text, checkedCid(cid)));
  }

  /** PROTOCOL.md section 4: a {@code cid} is 1 to 64 characters. */
  private static String checkedCid(String cid) {
    Objects.requireNonNull(cid, "cid");
    if (cid.isEmpty() || cid.length() > MAX_CID_LENGTH) {
      throw new IllegalArgumentException(
          "a cid is 1 to " + MAX_CID_LENGTH + " characters, not " + cid.length());
    }
    return cid;
  }

  @Override
  public CompletableFuture<HistoryPage> history(String room, PageRequest page) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(page, "page");
    Long before = page.direction() == PageRequest.Direction.BEFORE ? page.seq() : null;
    Long after = page.direction() == PageRequest.Direction.AFTER ? page.seq() : null;
    return request(id -> new ClientFrame.History(id, room, before, after, page.limit()),
        ServerFrame.HistoryReply.class, null, null,
        reply -> new HistoryPage(reply.room(), reply.epoch(), reply.messages(), reply.more()));
  }

  @Override
  public CompletableFuture<List<RoomInfo>> rooms() {
    return request(ClientFrame.ListRooms::new, ServerFrame.RoomsReply.class, null, null,
        ServerFrame.RoomsReply::rooms);
  }

  @Override
  public CompletableFuture<List<User>> members(String room) {
    Objects.requireNonNull(room, "room");
    return request(id -> new ClientFrame.ListMembers(id, room), ServerFrame.MembersReply.class, null,
        null, ServerFrame.MembersReply::members);
  }

  /**
   * Sends a request other than {@code send}, when a session is open; fails at once otherwise.
   *
   * @param onAnswer updates the client's state with the answer, under the lock; may be {@code null}
   * @param onRefused the same with an {@code error} answer; may be {@code null}
   */
  private <F extends ServerFrame, T> CompletableFuture<T> request(
      Function<String, ClientFrame> frame,
      Class<F> replyType,
      Consumer<F> onAnswer,
      Consumer<ChatStatus> onRefused,
      Function<F, T> mapper) {
    UserRequest<F, T> request = new UserRequest<>(replyType, onAnswer, onRefused, mapper);
    synchronized (lock) {
      if (phase != Phase.CONNECTED) {
        return CompletableFuture.failedFuture(unavailable(notConnected(), null));
      }
      send(frame, deadline(), request);
    }
    return request.future;
  }

  /** Puts a send in the outbox, and on the wire when a session is open. */
  private CompletableFuture<SendReceipt> submit(ClientFrame.Send template) {
    OutboxEntry entry = new OutboxEntry(template, deadline());
    synchronized (lock) {
      if (phase == Phase.NEW || phase == Phase.CONNECTING || phase == Phase.CLOSED) {
        return CompletableFuture.failedFuture(unavailable(notConnected(), null));
      }
      outbox.add(entry);
      if (phase == Phase.CONNECTED) {
        transmit(entry);
      }
    }
    return entry.future;
  }

  private void transmit(OutboxEntry entry) {
    ClientFrame.Send template = entry.template;
    entry.onWire = true;
    send(id -> new ClientFrame.Send(id, template.room(), template.to(), template.text(), template.cid()),
        entry.deadline, entry);
  }

  /** Sends a frame on the current link and waits for its answer. Under the lock. */
  private void send(Function<String, ClientFrame> frame, long deadline, Waiter waiter) {
    String id = Long.toString(++nextId);
    pending.put(id, new Pending(deadline, waiter));
    link.connection.send(frame.apply(id));
  }

  private long deadline() {
    return scheduler.nanoTime() + requestTimeout.toNanos();
  }

  // ---- connections ----

  /**
   * Opens a link's connection, with a fresh token. Outside the lock: a transport may connect on the
   * calling thread, and the token supplier may take its time.
   */
  private void open(Link target) {
    CompletableFuture<ClientConnection> opening;
    try {
      if (tokens != null) {
        target.token = Objects.requireNonNull(tokens.get(), "the token supplier returned null");
      }
      opening = transport.connect(target);
    } catch (RuntimeException e) {
      opening = CompletableFuture.failedFuture(e);
    }
    opening.whenComplete((connection, error) -> opened(target, connection, error));
  }

  private void opened(Link target, ClientConnection connection, Throwable error) {
    boolean current;
    synchronized (lock) {
      current = link == target;
      if (current && error != null) {
        attemptFailed(new Disconnect(CloseCodes.ABNORMAL, "could not connect: " + rootMessage(error)),
            unavailable("could not connect: " + rootMessage(error), error));
      } else if (current) {
        target.connection = connection;
        send(id -> new ClientFrame.Hello(id, 1, name, target.token, sessionToken), deadline(),
            new HelloWaiter(target));
      }
    }
    if (!current && connection != null) {
      // Closed or given up meanwhile. Not 1000: a session this connection may have taken stays in grace.
      connection.close(CloseCodes.GOING_AWAY, "client gave up on this connection");
    }
    flush();
  }

  private void welcomed(Link target, ServerFrame.Welcome frame) {
    Welcome started = new Welcome(frame.user(), frame.session(), frame.resumed(), frame.directs(),
        frame.rooms() == null ? List.of() : frame.rooms(), frame.limits());
    welcome = started;
    sessionToken = started.session();
    target.welcomed = true;
    target.lastHeardNanos = scheduler.nanoTime();
    boolean first = phase == Phase.CONNECTING;
    phase = Phase.CONNECTED;
    attempt = 0;
    emit(l -> l.onConnected(started));
    setState(ConnectionState.connected());
    if (first) {
      rooms.followDirects(started.directs(), false);
      CompletableFuture<Welcome> result = firstConnect;
      afterUnlock.add(() -> callbackExecutor.execute(() -> result.complete(started)));
    } else {
      if (started.resumed() && frame.rooms() != null) {
        forgetRoomsRemovedWhileAway(started);
      }
      catchUp(started);
    }
    directsComplete = started.directs().size() < MAX_DIRECTS;
  }

  /**
   * A resumed session kept the rooms its welcome lists: one missing was taken away while the client was
   * away (a kick or a ban). It is not rejoined, and the app hears of it as it would have live: its user
   * left with reason {@code kicked}. Under the lock.
   */
  private void forgetRoomsRemovedWhileAway(Welcome started) {
    for (String room : rooms.ordinaryRooms()) {
      if (!started.rooms().contains(room)) {
        rooms.unfollow(room);
        Presence removed = Presence.leave(room, started.user(), Presence.Reason.KICKED);
        emit(l -> l.onPresence(removed));
      }
    }
  }

  /**
   * After a reconnect: rejoins every followed room from its last delivered message, then resends the
   * outbox. The server handles a connection's frames in order, so a send reaches a room after its
   * rejoin even when the session is a fresh one.
   */
  private void catchUp(Welcome started) {
    boolean complete = directsComplete;
    if (complete) {
      // A conversation the last welcome did not list, and not seen since, began while away.
      rooms.followDirects(started.directs(), true);
    }
    List<FollowedRooms.Rejoin> rejoins = rooms.startCatchingUp();
    if (!complete) {
      // The last welcome's list was cut: where such a conversation stood is not known.
      for (DirectConversation direct : rooms.followDirects(started.directs(), false)) {
        Recovery unknown = new Recovery(direct.room(), new Cursor(0, direct.epoch()), direct.cursor(), false);
        emit(l -> l.onRecovery(unknown));
      }
    }
    Integer pageMax = started.limits().pageMax();
    for (FollowedRooms.Rejoin rejoin : rejoins) {
      Long seq = rejoin.epoch() == null ? null : rejoin.seq();
      send(id -> new ClientFrame.Join(id, rejoin.room(), seq, rejoin.epoch(), pageMax), deadline(),
          new CatchUpWaiter(link, rejoin.room(), true));
    }
    for (OutboxEntry entry : outbox) {
      transmit(entry);
    }
  }

  private void nextPage(String room, long after) {
    if (after >= 0) {
      Integer pageMax = welcome.limits().pageMax();
      send(id -> new ClientFrame.History(id, room, null, after, pageMax), deadline(),
          new CatchUpWaiter(link, room, false));
    }
  }

  /** A reconnect attempt (or the first connect) ended before its welcome. Under the lock. */
  private void attemptFailed(Disconnect why, ChatException error) {
    retire(CloseCodes.GOING_AWAY, "client gave up on this connection", error);
    if (phase == Phase.CONNECTING) {
      fail(firstConnect, error);
      firstConnect = null;
      end(why, "the client could not connect");
    } else if (Backoff.retriesAfterClose(why.code())) {
      scheduleReconnect(why);
    } else {
      end(why, "the connection closed (" + describe(why) + ")");
    }
  }

  /** The hello of a reconnect was refused, or the first one. Under the lock. */
  private void helloRefused(ChatStatus status) {
    Disconnect why = new Disconnect(CloseCodes.NOT_AUTHENTICATED,
        "hello refused: " + status.code().wireName() + ": " + status.message());
    if (phase == Phase.CONNECTING) {
      attemptFailed(why, status.asException());
      return;
    }
    ChatException failure = unavailable("the client could not resume: " + status.code().wireName(), null);
    // Not 1000: should the server have given this connection the session after all, it keeps its grace.
    retire(CloseCodes.GOING_AWAY, "hello refused", failure);
    if (Backoff.retriesAfterRefusedHello(status.code())) {
      scheduleReconnect(why);
    } else {
      end(why, failure.getMessage());
    }
  }

  /** The current link's connection ended. Under the lock. */
  private void lost(Link target, Disconnect why) {
    link = null;
    target.connection = null;
    failPending(unavailable("the connection was lost before the answer came (" + describe(why) + ")", null));
    if (!target.welcomed) {
      attemptFailed(why, unavailable("the connection closed (" + describe(why) + ")", null));
      return;
    }
    rooms.abandonCatchingUp();
    emit(l -> l.onDisconnected(why));
    if (policy.isEnabled() && Backoff.retriesAfterClose(why.code())) {
      scheduleReconnect(why);
    } else {
      end(why, "the connection closed (" + describe(why) + ")");
    }
  }

  /** Gives up on the current link as if it had been lost: it did not answer in time. Under the lock. */
  private void abandon(Link target, String why) {
    if (link != target) {
      return;
    }
    ClientConnection connection = target.connection;
    if (connection != null) {
      afterUnlock.add(() -> connection.close(CloseCodes.GOING_AWAY, why));
    }
    lost(target, new Disconnect(CloseCodes.ABNORMAL, why));
  }

  private void scheduleReconnect(Disconnect cause) {
    attempt++;
    if (attempt > policy.maxAttempts()) {
      end(cause, "the client gave up reconnecting (" + describe(cause) + ")");
      return;
    }
    Duration delay = Backoff.delay(policy, attempt, random.getAsDouble());
    Limits.RateLimit rate = welcome == null ? null : welcome.limits().rateLimit();
    if (cause.code() == CloseCodes.RATE_LIMITED && rate != null && rate.per().compareTo(delay) > 0) {
      delay = rate.per(); // flooding: let the bucket fill up again first
    }
    phase = Phase.WAITING;
    setState(ConnectionState.reconnecting(attempt, delay, cause));
    reconnectTimer = scheduler.schedule(this::reconnect, delay);
  }

  private void reconnect() {
    Link next;
    synchronized (lock) {
      if (phase != Phase.WAITING) {
        return;
      }
      reconnectTimer = null;
      phase = Phase.RECONNECTING;
      next = link = new Link(attempt);
      setState(ConnectionState.connecting(attempt));
    }
    flush();
    open(next);
  }

  /**
   * Stops using the current link, if any, closing its connection with {@code code}; what waited for an
   * answer on it learns it will get none. Under the lock.
   */
  private void retire(int code, String reason, ChatException failure) {
    Link retired = link;
    link = null;
    if (retired != null) {
      ClientConnection connection = retired.connection;
      retired.connection = null;
      if (connection != null) {
        afterUnlock.add(() -> connection.close(code, reason));
      }
    }
    failPending(failure);
  }

  /** Closes the client for good. Under the lock. */
  private void end(Disconnect why, String failure) {
    phase = Phase.CLOSED;
    if (reconnectTimer != null) {
      reconnectTimer.cancel();
      reconnectTimer = null;
    }
    if (sweepTimer != null) {
      sweepTimer.cancel();
      sweepTimer = null;
    }
    ChatException closed = unavailable(failure, null);
    if (firstConnect != null) {
      fail(firstConnect, closed);
      firstConnect = null;
    }
    failPending(closed);
    for (OutboxEntry entry : List.copyOf(outbox)) {
      entry.timedOut(closed);
    }
    if (why != null) {
      setState(ConnectionState.closed(why));
    }
  }

  /** Tells every request on the wire that it will get no answer there. */
  private void failPending(ChatException failure) {
    List<Pending> lost = new ArrayList<>(pending.values());
    pending.clear();
    lost.forEach(request -> request.waiter.linkLost(failure));
  }

  /** Fails the requests and sends whose deadline passed; runs every second while the client lives. */
  private void sweep() {
    synchronized (lock) {
      if (phase == Phase.CLOSED) {
        return;
      }
      long now = scheduler.nanoTime();
      ChatException overdue = unavailable("no answer within " + requestTimeout, null);
      List<Pending> expired = new ArrayList<>();
      pending.values().removeIf(request -> {
        boolean late = now - request.deadline > 0;
        if (late) {
          expired.add(request);
        }
        return late;
      });
      expired.forEach(request -> request.waiter.timedOut(overdue));
      for (OutboxEntry entry : List.copyOf(outbox)) {
        if (!entry.onWire && now - entry.deadline > 0) {
          entry.timedOut(overdue);
        }
      }
      pingIfSilent(now);
      if (phase != Phase.CLOSED) {
        sweepTimer = scheduler.schedule(this::sweep, SWEEP_INTERVAL);
      }
    }
    flush();
  }

  /**
   * Pings the server when the connection has been silent for the heartbeat interval: a connection whose
   * peer vanished without a close (a network partition, a hung server) shows no error until something
   * is written, so an idle client would never notice. No answer within the request timeout gives the
   * connection up, and the client reconnects. Under the lock.
   */
  private void pingIfSilent(long now) {
    Link current = link;
    if (heartbeat.isZero() || phase != Phase.CONNECTED || current == null || !current.welcomed
        || current.pinging || now - current.lastHeardNanos < heartbeat.toNanos()) {
      return;
    }
    current.pinging = true;
    send(ClientFrame.Ping::new, now + requestTimeout.toNanos(), new PingWaiter(current));
  }

  // ---- what the connection brings, on the transport's delivery thread ----

  private void frameReceived(Link source, ServerFrame frame) {
    synchronized (lock) {
      if (link != source) {
        return; // a connection given up on
      }
      source.lastHeardNanos = scheduler.nanoTime();
      if (frame instanceof ServerFrame.MessageEvent event) {
        ChatMessage message = event.message();
        if (rooms.live(message)) {
          // Its first message: ask for the room's epoch while this connection, on its log, lasts.
          send(id -> new ClientFrame.History(id, message.room(), null, null, 1), deadline(),
              new EpochWaiter(message.room()));
        }
      } else if (frame instanceof ServerFrame.PresenceEvent event) {
        Welcome current = welcome;
        if (event.presence().event() == Presence.Event.LEAVE && current != null
            && event.presence().user().id().equals(current.user().id())) {
          rooms.unfollow(event.presence().room()); // removed: not rejoined after a reconnect
        }
        emit(l -> l.onPresence(event.presence()));
      } else {
        Pending request = frame.id() == null ? null : pending.remove(frame.id());
        if (request != null) {
          request.waiter.answered(frame);
        } else if (frame instanceof ServerFrame.ErrorReply error) {
          LOG.log(System.Logger.Level.WARNING, "the server reported an error: {0}", error.status());
        }
      }
    }
    flush();
  }

  private void closed(Link source, int code, String reason) {
    synchronized (lock) {
      if (link == source) {
        lost(source, new Disconnect(code, reason == null ? "" : reason));
      }
    }
    flush();
  }

  // ---- events and completions, outside the lock ----

  /** Queues a listener call. Under the lock, so listener calls follow the state's order. */
  private void emit(Consumer<ChatListener> call) {
    events.enqueue(() -> call.accept(listener));
  }

  private void setState(ConnectionState next) {
    state = next;
    emit(l -> l.onConnectionState(next));
  }

  /** Runs the listener calls, then what waited for the lock to be released. */
  private void flush() {
    events.drain();
    while (true) {
      Runnable task;
      synchronized (lock) {
        task = afterUnlock.poll();
      }
      if (task == null) {
        return;
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "completing a request failed", e);
      }
    }
  }

  private <T> void complete(CompletableFuture<T> future, T value) {
    afterUnlock.add(() -> callbackExecutor.execute(() -> future.complete(value)));
  }

  private void fail(CompletableFuture<?> future, Throwable error) {
    afterUnlock.add(() -> callbackExecutor.execute(() -> future.completeExceptionally(error)));
  }

  // ---- small things ----

  private String notConnected() {
    return switch (phase) {
      case CLOSED -> "the client is closed";
      case WAITING, RECONNECTING -> "the client is reconnecting";
      default -> "the client is not connected";
    };
  }

  private static String newCid() {
    return UUID.randomUUID().toString();
  }

  private static JoinResult joinResult(ServerFrame.Joined joined) {
    return new JoinResult(joined.room(), joined.epoch(), joined.seq(), joined.members(),
        joined.messages(), joined.more(), Boolean.TRUE.equals(joined.recovered()));
  }

  private static ChatException unavailable(String message, Throwable cause) {
    ChatStatus status = ChatStatus.of(Code.UNAVAILABLE, message);
    return cause == null ? status.asException() : new ChatException(status, cause);
  }

  private static String describe(Disconnect disconnect) {
    return disconnect.code() + (disconnect.reason().isEmpty() ? "" : " " + disconnect.reason());
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    Welcome current = welcome;
    ConnectionState now = state;
    return "ChatClient[" + (current != null ? current.user().id() : name) + ", "
        + (now == null ? "NEW" : now.kind()) + "]";
  }

  // ---- the parts ----

  /** One connection attempt, and the connection once open: the transport's listener for it. */
  private final class Link implements ClientConnectionListener {
    final int attempt;
    /** Set once the transport connected; guarded by the lock. */
    ClientConnection connection;
    /** Whether its session started; guarded by the lock. */
    boolean welcomed;
    /** The token its hello carries, taken before it opened. */
    volatile String token;
    /** When its last frame came, or its session started; guarded by the lock. */
    long lastHeardNanos;
    /** Whether a heartbeat ping waits for its pong; guarded by the lock. */
    boolean pinging;

    Link(int attempt) {
      this.attempt = attempt;
    }

    @Override
    public void frameReceived(ServerFrame frame) {
      DefaultChatClient.this.frameReceived(this, frame);
    }

    @Override
    public void closed(int code, String reason) {
      DefaultChatClient.this.closed(this, code, reason);
    }

    @Override
    public String toString() {
      return "Link[attempt " + attempt + "]";
    }
  }

  /** A request on the wire. */
  private record Pending(long deadline, Waiter waiter) {}

  /** What waits for an answer. Every method runs under the lock. */
  private interface Waiter {
    /** The answer came. */
    void answered(ServerFrame reply);

    /** The connection it was sent on ended first, or the client closed; {@code failure} says which. */
    void linkLost(ChatException failure);

    /** No answer came in time, or the client closed. */
    void timedOut(ChatException error);
  }

  /** A request of the app's, other than a send: it fails when its connection is lost. */
  private final class UserRequest<F extends ServerFrame, T> implements Waiter {
    final CompletableFuture<T> future = new CompletableFuture<>();
    final Class<F> replyType;
    final Consumer<F> onAnswer;
    final Consumer<ChatStatus> onRefused;
    final Function<F, T> mapper;

    UserRequest(Class<F> replyType, Consumer<F> onAnswer, Consumer<ChatStatus> onRefused,
        Function<F, T> mapper) {
      this.replyType = replyType;
      this.onAnswer = onAnswer;
      this.onRefused = onRefused;
      this.mapper = mapper;
    }

    @Override
    public void answered(ServerFrame reply) {
      if (reply instanceof ServerFrame.ErrorReply error) {
        if (onRefused != null) {
          onRefused.accept(error.status());
        }
        fail(future, error.status().asException());
      } else if (!replyType.isInstance(reply)) {
        fail(future, ChatStatus.of(Code.INTERNAL, "unexpected reply " + reply.getClass().getSimpleName())
            .asException());
      } else {
        F typed = replyType.cast(reply);
        if (onAnswer != null) {
          onAnswer.accept(typed);
        }
        complete(future, mapper.apply(typed));
      }
    }

    @Override
    public void linkLost(ChatException failure) {
      fail(future, failure);
    }

    @Override
    public void timedOut(ChatException error) {
      fail(future, error);
    }
  }

  /**
   * A send: kept until its answer, across connections. Sent again with the same {@code cid} after a
   * reconnect, so the server stores it once and answers with the first send's {@code seq}.
   */
  private final class OutboxEntry implements Waiter {
    final CompletableFuture<SendReceipt> future = new CompletableFuture<>();
    final ClientFrame.Send template;
    final long deadline;
    boolean onWire;

    OutboxEntry(ClientFrame.Send template, long deadline) {
      this.template = template;
      this.deadline = deadline;
    }

    @Override
    public void answered(ServerFrame reply) {
      outbox.remove(this);
      if (reply instanceof ServerFrame.SendOk ok) {
        complete(future, new SendReceipt(ok.room(), ok.seq(), ok.mid(), ok.ts()));
      } else if (reply instanceof ServerFrame.ErrorReply error) {
        fail(future, error.status().asException());
      } else {
        fail(future, ChatStatus.of(Code.INTERNAL, "unexpected reply " + reply.getClass().getSimpleName())
            .asException());
      }
    }

    @Override
    public void linkLost(ChatException failure) {
      onWire = false; // stays in the outbox for the next connection, unless the client is ending
    }

    @Override
    public void timedOut(ChatException error) {
      outbox.remove(this);
      fail(future, error);
    }
  }

  /** The {@code hello} of a link. */
  private final class HelloWaiter implements Waiter {
    final Link target;

    HelloWaiter(Link target) {
      this.target = target;
    }

    @Override
    public void answered(ServerFrame reply) {
      if (reply instanceof ServerFrame.Welcome frame) {
        welcomed(target, frame);
      } else if (reply instanceof ServerFrame.ErrorReply error) {
        helloRefused(error.status());
      } else {
        helloRefused(ChatStatus.of(Code.INTERNAL, "unexpected reply " + reply.getClass().getSimpleName()));
      }
    }

    @Override
    public void linkLost(ChatException failure) {
      // Whoever retired the link handles the attempt.
    }

    @Override
    public void timedOut(ChatException error) {
      abandon(target, "no welcome within " + requestTimeout);
    }
  }

  /** A rejoin after a reconnect, or one of its history pages. */
  private final class CatchUpWaiter implements Waiter {
    final Link target;
    final String room;
    final boolean rejoin;

    CatchUpWaiter(Link target, String room, boolean rejoin) {
      this.target = target;
      this.room = room;
      this.rejoin = rejoin;
    }

    @Override
    public void answered(ServerFrame reply) {
      if (reply instanceof ServerFrame.Joined joined && rejoin) {
        nextPage(room, rooms.rejoined(joined));
      } else if (reply instanceof ServerFrame.HistoryReply page && !rejoin) {
        nextPage(room, rooms.page(page));
      } else {
        if (reply instanceof ServerFrame.ErrorReply error) {
          LOG.log(System.Logger.Level.INFO, "catching up {0} after a reconnect was refused: {1}", room,
              error.status());
        }
        rooms.refused(room, rejoin);
      }
    }

    @Override
    public void linkLost(ChatException failure) {
      // The next connection catches up from the last message delivered.
    }

    @Override
    public void timedOut(ChatException error) {
      // A server that does not answer a rejoin holds the room's messages back: try another connection.
      abandon(target, "no answer to a rejoin within " + requestTimeout);
    }
  }

  /** A heartbeat ping: no pong in time means the connection is gone. */
  private final class PingWaiter implements Waiter {
    final Link target;

    PingWaiter(Link target) {
      this.target = target;
    }

    @Override
    public void answered(ServerFrame reply) {
      target.pinging = false;
    }

    @Override
    public void linkLost(ChatException failure) {}

    @Override
    public void timedOut(ChatException error) {
      abandon(target, "no answer to a heartbeat ping within " + requestTimeout);
    }
  }

  /** The question for a room's epoch, after its first live message. */
  private final class EpochWaiter implements Waiter {
    final String room;

    EpochWaiter(String room) {
      this.room = room;
    }

    @Override
    public void answered(ServerFrame reply) {
      if (reply instanceof ServerFrame.HistoryReply page) {
        rooms.learnedEpoch(room, page.epoch());
      }
    }

    @Override
    public void linkLost(ChatException failure) {}

    @Override
    public void timedOut(ChatException error) {}
  }
}
