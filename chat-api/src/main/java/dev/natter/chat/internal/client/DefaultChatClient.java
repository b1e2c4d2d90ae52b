package dev.natter.chat.internal.client;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatException;
import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.Cursor;
import dev.natter.chat.Disconnect;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.JoinResult;
import dev.natter.chat.PageRequest;
import dev.natter.chat.Recovery;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The {@link ChatClient}: matches replies to requests by {@code id}, turns events into listener calls.
 * Listener calls happen on the transport's delivery thread (in order); futures complete on the callback
 * executor, so a continuation may issue the next request without stalling the connection.
 */
public final class DefaultChatClient implements ChatClient, ClientConnectionListener {
  private static final System.Logger LOG = System.getLogger(DefaultChatClient.class.getName());

  private enum State { NEW, CONNECTING, OPEN, CLOSED }

  private final ClientTransport transport;
  private final String name;
  private final String token;
  private final String resume;
  private final ChatListener listener;
  private final Executor callbackExecutor;
  private final Duration requestTimeout;
  private final AtomicLong nextId = new AtomicLong();
  private final Map<String, Pending<?>> pending = new ConcurrentHashMap<>();
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private volatile ClientConnection connection;
  private volatile Welcome welcome;
  private volatile ScheduledFuture<?> sweeper;

  public DefaultChatClient(
      ClientTransport transport,
      String name,
      String token,
      String resume,
      ChatListener listener,
      Executor callbackExecutor,
      Duration requestTimeout) {
    this.transport = transport;
    this.name = name;
    this.token = token;
    this.resume = resume;
    this.listener = listener;
    this.callbackExecutor = callbackExecutor != null ? callbackExecutor : ForkJoinPool.commonPool();
    this.requestTimeout = requestTimeout;
  }

  @Override
  public CompletableFuture<Welcome> connect() {
    if (!state.compareAndSet(State.NEW, State.CONNECTING)) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          state.get() == State.CLOSED ? "the client is closed" : "connect() may be called once"));
    }
    CompletableFuture<Welcome> result = new CompletableFuture<>();
    transport.connect(this).whenComplete((opened, error) -> {
      if (error != null) {
        state.set(State.CLOSED);
        result.completeExceptionally(unavailable("could not connect: " + rootMessage(error), error));
        return;
      }
      connection = opened;
      sweeper = Timers.SCHEDULER.scheduleWithFixedDelay(this::expireOverdue, 1, 1, TimeUnit.SECONDS);
      if (state.get() == State.CLOSED) {
        sweeper.cancel(false);
        opened.close(CloseCodes.NORMAL, "client closed");
        result.completeExceptionally(unavailable("the client was closed", null));
        return;
      }
      String id = nextId();
      request(new ClientFrame.Hello(id, 1, name, token, resume), ServerFrame.Welcome.class, w -> welcome)
          .whenComplete((w, helloError) -> {
            if (helloError != null) {
              // connect() may be called once: a refused hello ends this client.
              close();
              result.completeExceptionally(helloError);
            } else {
              state.compareAndSet(State.CONNECTING, State.OPEN);
              result.complete(w);
            }
          });
    });
    return result;
  }

  @Override
  public CompletableFuture<JoinResult> join(String room) {
    Objects.requireNonNull(room, "room");
    return request(new ClientFrame.Join(nextId(), room, null, null, null), ServerFrame.Joined.class,
        DefaultChatClient::joinResult);
  }

  @Override
  public CompletableFuture<JoinResult> join(String room, Cursor since) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(since, "since");
    return request(new ClientFrame.Join(nextId(), room, since.seq(), since.epoch(), null),
        ServerFrame.Joined.class, DefaultChatClient::joinResult);
  }

  @Override
  public CompletableFuture<Void> leave(String room) {
    Objects.requireNonNull(room, "room");
    return request(new ClientFrame.Leave(nextId(), room), ServerFrame.Ok.class, ok -> null);
  }

  @Override
  public CompletableFuture<SendReceipt> send(String room, String text) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(text, "text");
    return request(new ClientFrame.Send(nextId(), room, null, text, newCid()), ServerFrame.SendOk.class,
        DefaultChatClient::receipt);
  }

  @Override
  public CompletableFuture<SendReceipt> sendDirect(String userId, String text) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(text, "text");
    return request(new ClientFrame.Send(nextId(), null, userId, text, newCid()), ServerFrame.SendOk.class,
        DefaultChatClient::receipt);
  }

  @Override
  public CompletableFuture<HistoryPage> history(String room, PageRequest page) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(page, "page");
    Long before = page.direction() == PageRequest.Direction.BEFORE ? page.seq() : null;
    Long after = page.direction() == PageRequest.Direction.AFTER ? page.seq() : null;
    return request(new ClientFrame.History(nextId(), room, before, after, page.limit()),
        ServerFrame.HistoryReply.class,
        reply -> new HistoryPage(reply.room(), reply.epoch(), reply.messages(), reply.more()));
  }

  @Override
  public CompletableFuture<List<RoomInfo>> rooms() {
    return request(new ClientFrame.ListRooms(nextId()), ServerFrame.RoomsReply.class,
        ServerFrame.RoomsReply::rooms);
  }

  @Override
  public CompletableFuture<List<User>> members(String room) {
    Objects.requireNonNull(room, "room");
    return request(new ClientFrame.ListMembers(nextId(), room), ServerFrame.MembersReply.class,
        ServerFrame.MembersReply::members);
  }

  @Override
  public Welcome welcome() {
    return welcome;
  }

  @Override
  public void close() {
    State previous = state.getAndSet(State.CLOSED);
    if (previous == State.CLOSED) {
      return;
    }
    ClientConnection open = connection;
    if (open != null) {
      open.close(CloseCodes.NORMAL, "client closed");
    }
    stopSweeper();
    failPending("the client was closed");
  }

  private void stopSweeper() {
    ScheduledFuture<?> running = sweeper;
    if (running != null) {
      running.cancel(false);
    }
  }

  // ---- the connection's events, on the transport's delivery thread ----

  @Override
  public void frameReceived(ServerFrame frame) {
    if (frame instanceof ServerFrame.MessageEvent event) {
      notifyListener(() -> listener.onMessage(event.message()));
      return;
    }
    if (frame instanceof ServerFrame.PresenceEvent event) {
      notifyListener(() -> listener.onPresence(event.presence()));
      return;
    }
    Pending<?> request = frame.id() == null ? null : pending.remove(frame.id());
    if (request == null) {
      if (frame instanceof ServerFrame.ErrorReply error) {
        LOG.log(System.Logger.Level.WARNING, "the server reported an error: {0}", error.status());
      }
      return;
    }
    if (frame instanceof ServerFrame.Welcome w) {
      welcome = new Welcome(w.user(), w.session(), w.resumed(), w.directs(), w.limits());
      Welcome started = welcome;
      notifyListener(() -> listener.onConnected(started));
    } else if (frame instanceof ServerFrame.Joined joined && joined.recovered() != null
        && request.frame instanceof ClientFrame.Join join) {
      Recovery recovery = new Recovery(joined.room(), new Cursor(join.sinceSeq(), join.sinceEpoch()),
          new Cursor(joined.seq(), joined.epoch()), joined.recovered());
      notifyListener(() -> listener.onRecovery(recovery));
    }
    request.answer(frame);
  }

  @Override
  public void closed(int code, String reason) {
    state.set(State.CLOSED);
    stopSweeper();
    failPending("the connection closed (" + code + (reason.isEmpty() ? "" : " " + reason) + ")");
    notifyListener(() -> listener.onDisconnected(new Disconnect(code, reason)));
  }

  // ---- requests ----

  private <F extends ServerFrame, T> CompletableFuture<T> request(
      ClientFrame frame, Class<F> replyType, Function<F, T> mapper) {
    ClientConnection open = connection;
    State now = state.get();
    boolean ready = frame instanceof ClientFrame.Hello ? now == State.CONNECTING : now == State.OPEN;
    if (!ready || open == null) {
      return CompletableFuture.failedFuture(unavailable(
          now == State.CLOSED ? "the client is closed" : "the client is not connected", null));
    }
    Pending<T> request = new Pending<>(frame, reply -> {
      if (!replyType.isInstance(reply)) {
        throw ChatStatus.of(Code.INTERNAL, "unexpected reply " + reply.getClass().getSimpleName())
            .asException();
      }
      return mapper.apply(replyType.cast(reply));
    });
    pending.put(frame.id(), request);
    open.send(frame);
    // The connection may have closed between the check and the put; do not leave the request waiting.
    if (state.get() == State.CLOSED && pending.remove(frame.id(), request)) {
      request.fail(unavailable("the client is closed", null));
    }
    return request.future;
  }

  /** Fails the requests whose answer is overdue; runs every second while the client lives. */
  private void expireOverdue() {
    long now = System.nanoTime();
    pending.forEach((id, request) -> {
      if (now - request.deadlineNanos > 0 && pending.remove(id, request)) {
        request.fail(unavailable("no answer within " + requestTimeout, null));
      }
    });
  }

  private void failPending(String why) {
    for (String id : List.copyOf(pending.keySet())) {
      Pending<?> request = pending.remove(id);
      if (request != null) {
        request.fail(unavailable(why, null));
      }
    }
  }

  private String nextId() {
    return Long.toString(nextId.incrementAndGet());
  }

  private static String newCid() {
    return UUID.randomUUID().toString();
  }

  private static JoinResult joinResult(ServerFrame.Joined joined) {
    return new JoinResult(joined.room(), joined.epoch(), joined.seq(), joined.members(),
        joined.messages(), joined.more(), Boolean.TRUE.equals(joined.recovered()));
  }

  private static SendReceipt receipt(ServerFrame.SendOk ok) {
    return new SendReceipt(ok.room(), ok.seq(), ok.mid(), ok.ts());
  }

  private static ChatException unavailable(String message, Throwable cause) {
    ChatStatus status = ChatStatus.of(Code.UNAVAILABLE, message);
    return cause == null ? status.asException() : new ChatException(status, cause);
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  private static void notifyListener(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a ChatListener threw; ignored", e);
    }
  }

  /** A request waiting for its reply. */
  private final class Pending<T> {
    final ClientFrame frame;
    final Function<ServerFrame, T> mapper;
    final CompletableFuture<T> future = new CompletableFuture<>();
    final long deadlineNanos = System.nanoTime() + requestTimeout.toNanos();

    Pending(ClientFrame frame, Function<ServerFrame, T> mapper) {
      this.frame = frame;
      this.mapper = mapper;
    }

    void answer(ServerFrame reply) {
      if (reply instanceof ServerFrame.ErrorReply error) {
        fail(error.status().asException());
        return;
      }
      T value;
      try {
        value = mapper.apply(reply);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      callbackExecutor.execute(() -> future.complete(value));
    }

    void fail(Throwable error) {
      callbackExecutor.execute(() -> future.completeExceptionally(error));
    }
  }

  @Override
  public String toString() {
    return "ChatClient[" + (welcome != null ? welcome.user().id() : name) + ", " + state.get() + "]";
  }
}
