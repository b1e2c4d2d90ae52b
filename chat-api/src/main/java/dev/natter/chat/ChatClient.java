package dev.natter.chat;

import dev.natter.chat.internal.client.DefaultChatClient;
import dev.natter.chat.spi.ClientTransport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A chat client: one session on a server, kept across lost connections.
 *
 * <pre>{@code
 * try (ChatClient alice = ChatClient.builder(transport).name("alice").listener(listener).build()) {
 *   alice.connect().join();
 *   alice.join("general").join();
 *   alice.send("general", "hi all").join();
 * }
 * }</pre>
 *
 * <p>Every request returns a {@link CompletableFuture} that completes with the server's answer or fails
 * with a {@link ChatException} carrying the protocol's error code; {@link ChatStatus.Code#UNAVAILABLE}
 * when the client is not connected, closed, or lost the connection before the answer. Futures complete
 * on the builder's callback executor, never on the connection's delivery thread, so chaining another
 * request onto one is safe.
 *
 * <p>Events go to the {@link ChatListener}; see there for threading. The client is thread-safe. After
 * {@link #close()} every request fails at once.
 *
 * <p><b>Reconnecting.</b> Once its session started, a client whose connection is lost (a network
 * failure, a server restart, a close for being too slow) reconnects by itself with backoff
 * ({@link Builder#reconnect}; {@link ConnectionState} reports each step). It resumes its session with
 * the latest {@link Welcome#session()} token, so the others see no one leave, then rejoins every room it
 * follows (the rooms it joined, its direct conversations) from the last message it delivered, delivers
 * what it missed, in order and once, and reports each room it cannot recover with
 * {@link ChatListener#onRecovery} ({@code recovered == false}). Meanwhile:
 *
 * <ul>
 *   <li>a {@link #send} or {@link #sendDirect} not yet acknowledged stays in an outbox and is sent again,
 *       with the same {@code cid}, after the reconnect: the server stores it once, and its future
 *       completes once, with that one {@code seq}. New sends wait in the outbox too. A send fails with
 *       {@code unavailable} only when no answer came within the request timeout, or the client closed.
 *   <li>every other request in flight when the connection was lost fails with
 *       {@link ChatStatus.Code#UNAVAILABLE} (it may or may not have taken effect: ask again), and one
 *       made while reconnecting fails with it at once.
 * </ul>
 *
 * <p>It does not reconnect after {@link #close()}, after close codes that a retry would not fix (see
 * {@link ReconnectPolicy}), or after its {@code hello} was refused on a reconnect ({@code auth_failed},
 * {@code invalid_name}, ...; {@code name_taken} is retried, as it may be the client's own session still
 * holding the name). A failed {@link #connect()} is not retried either: the first connection is the
 * app's to make.
 */
public interface ChatClient extends AutoCloseable {

  /** Starts building a client on a transport. */
  static Builder builder(ClientTransport transport) {
    return new Builder(transport);
  }

  /**
   * Opens the connection and starts the session with {@code hello}. Completes with the server's
   * {@code welcome}; fails with its error ({@code name_taken}, {@code auth_failed}, ...) or when the
   * transport cannot connect, and the client is then closed. May be called once. From the
   * {@code welcome} on, the client reconnects by itself when the connection is lost.
   */
  CompletableFuture<Welcome> connect();

  /** Joins a room (creating it when it does not exist) and returns its latest messages and members. */
  CompletableFuture<JoinResult> join(String room);

  /**
   * Joins a room, recovering what came after {@code since}. The listener's
   * {@link ChatListener#onRecovery} reports whether nothing was missed.
   */
  CompletableFuture<JoinResult> join(String room, Cursor since);

  /** Leaves a room. */
  CompletableFuture<Void> leave(String room);

  /**
   * Sends a message to a room the client joined. Each send carries a fresh idempotency key ({@code cid}),
   * which the message carries too, and waits in the client's outbox until the server acknowledged it,
   * across reconnects.
   */
  CompletableFuture<SendReceipt> send(String room, String text);

  /**
   * As {@link #send(String, String)}, with an idempotency key of the caller's: 1 to 64 characters,
   * unique per message. An app that keeps its unsent messages across its own restarts sends each again
   * with the same {@code cid}, and the server stores it once (it remembers a user's {@code cid}s for 10
   * minutes). Throws {@link IllegalArgumentException} for a key outside the rules.
   */
  CompletableFuture<SendReceipt> send(String room, String text, String cid);

  /** Sends a direct message to a user, by id; with its own {@code cid}, through the outbox. */
  CompletableFuture<SendReceipt> sendDirect(String userId, String text);

  /**
   * As {@link #sendDirect(String, String)}, with an idempotency key of the caller's (see
   * {@link #send(String, String, String)}).
   */
  CompletableFuture<SendReceipt> sendDirect(String userId, String text, String cid);

  /** Reads a page of a room's history. */
  CompletableFuture<HistoryPage> history(String room, PageRequest page);

  /** Lists the server's rooms, direct rooms excepted. */
  CompletableFuture<List<RoomInfo>> rooms();

  /** Lists a room's members. */
  CompletableFuture<List<User>> members(String room);

  /**
   * The server's latest {@code welcome} (a reconnect brings a new one, with a new session token), or
   * {@code null} before the session started.
   */
  Welcome welcome();

  /**
   * Closes the connection normally (1000), which ends the session at once: others see the user leave.
   * Stops reconnecting. Pending requests, the sends in the outbox included, fail with
   * {@link ChatStatus.Code#UNAVAILABLE}. The listener gets {@link ChatListener#onDisconnected} (when a
   * session was open) and {@link ConnectionState.Kind#CLOSED}; nothing after. Idempotent.
   */
  @Override
  void close();

  /** Builds a {@link ChatClient}. Not thread-safe. */
  final class Builder {
    private final ClientTransport transport;
    private String name;
    private Supplier<String> tokens;
    private String resume;
    private ChatListener listener = new ChatListener() {};
    private Executor callbackExecutor;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration heartbeat = Duration.ofSeconds(25);
    private ReconnectPolicy reconnect = ReconnectPolicy.defaults();

    private Builder(ClientTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /**
     * The name to ask for. Needed with anonymous names; with a token (here, or sent by the transport,
     * such as an {@code Authorization} header) the server's authenticator decides who the user is.
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * A token for the server's authenticator, sent on every connection. A secret: it is never logged.
     * A token that expires (a JWT) would be refused on a reconnect after it did: use
     * {@link #tokens(Supplier)} then.
     */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      this.tokens = () -> token;
      return this;
    }

    /**
     * Where to get a token for each connection: called before the first connect and before every
     * reconnect, on the thread that connects, so it may fetch a fresh one (a login call, a refresh
     * token). An exception or {@code null} fails that attempt as a connection failure: {@link #connect()}
     * fails, a reconnect is retried with backoff. A secret: never logged.
     */
    public Builder tokens(Supplier<String> tokens) {
      this.tokens = Objects.requireNonNull(tokens, "tokens");
      return this;
    }

    /** An earlier {@link Welcome#session()} token, to take that session over if it still lives. */
    public Builder resume(String sessionToken) {
      this.resume = Objects.requireNonNull(sessionToken, "sessionToken");
      return this;
    }

    /** Receives events. Default: none. */
    public Builder listener(ChatListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Where futures complete. Default: {@link java.util.concurrent.ForkJoinPool#commonPool()}.
     */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * How long a request waits for its answer before failing with {@code unavailable}. Default 30 s. A
     * send counts from the call, time spent in the outbox while reconnecting included. Keep it under
     * the server's 10 minutes of {@code cid} memory.
     */
    public Builder requestTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive");
      }
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * How long the connection may be silent before the client pings the server (PROTOCOL.md section 6).
     * When no answer comes within the {@link #requestTimeout request timeout}, the client gives the
     * connection up as lost and reconnects: without it, a client that only listens would not notice a
     * server that vanished without closing (a network partition, a hung process). Default 25 s;
     * {@link Duration#ZERO} turns it off.
     */
    public Builder heartbeat(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("heartbeat must not be negative: " + interval);
      }
      this.heartbeat = interval;
      return this;
    }

    /**
     * How the client reconnects after losing a connection that had a session. Default
     * {@link ReconnectPolicy#defaults()}; {@link ReconnectPolicy#disabled()} for none.
     */
    public Builder reconnect(ReconnectPolicy policy) {
      this.reconnect = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Returns the client, not yet connected. Without a name or a token, its {@code hello} carries
     * neither: right when the transport identifies the user, refused by an anonymous server.
     */
    public ChatClient build() {
      return new DefaultChatClient(transport, name, tokens, resume, listener, callbackExecutor,
          requestTimeout, heartbeat, reconnect);
    }
  }
}
