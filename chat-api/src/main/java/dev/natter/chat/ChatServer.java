package dev.natter.chat;

import dev.natter.chat.internal.engine.ChatEngine;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.spi.ServerTransport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A chat server: rooms, presence, ordered delivery, history and limits, on any transport.
 *
 * <pre>{@code
 * try (ChatServer server = ChatServer.builder(transport)
 *     .historyStore(HistoryStore.inMemory())
 *     .build()
 *     .start()) {
 *   server.post("general", "welcome!");
 *   ...
 * }
 * }</pre>
 *
 * <p>Lifecycle, as {@link java.util.concurrent.ExecutorService}: {@link #start()} once;
 * {@link #shutdown()} stops accepting connections and closes every open one with 1001 after its queued
 * frames; {@link #awaitTermination} waits for that; {@link #close()} does both, bounded by the builder's
 * shutdown timeout, then releases the transport, the store and the threads it created. Operations after
 * shutdown fail with {@link ChatStatus.Code#UNAVAILABLE}.
 *
 * <p>Thread-safe.
 */
public interface ChatServer extends AutoCloseable {

  /** Starts building a server on a transport. */
  static Builder builder(ServerTransport transport) {
    return new Builder(transport);
  }

  /**
   * Starts the transport; clients may connect once this returns.
   *
   * @return this server
   * @throws IOException when the transport cannot start
   * @throws IllegalStateException when already started or shut down
   */
  ChatServer start() throws IOException;

  /**
   * Starts a graceful shutdown and returns at once: no new connections; open ones closed with 1001 once
   * their queued frames are written. Sessions end without presence events. Idempotent.
   */
  void shutdown();

  /** Waits until every connection closed and everything was released, or the timeout passed. */
  boolean awaitTermination(Duration timeout) throws InterruptedException;

  /** Whether {@link #shutdown()} or {@link #close()} was called. */
  boolean isShutdown();

  /** Whether shutdown finished. */
  boolean isTerminated();

  /** Shuts down and waits for it, bounded by the builder's shutdown timeout. Idempotent. */
  @Override
  void close();

  /**
   * Posts a message to a room as {@link User#SYSTEM}, stored and delivered like any other. The room is
   * created when it does not exist yet.
   *
   * @return the stored message; fails with {@link ChatException} for a bad room name or text
   */
  CompletableFuture<ChatMessage> post(String room, String text);

  /** The rooms, direct rooms excepted, with their member counts, sorted by name. */
  List<RoomInfo> rooms();

  /** A room's members, sorted by id; empty for an unknown room. */
  List<User> members(String room);

  /** The users with at least one open connection, sorted by id. */
  List<User> onlineUsers();

  // ---- moderation ----
  // Each takes a room name (not a direct room) and a user id, and throws IllegalArgumentException for
  // an invalid one: these are the application's calls, not a client's.

  /**
   * Removes every session of a user from a room. The room's other members, and the sessions removed,
   * see a {@code leave} with reason {@code kicked}; the user may join again.
   *
   * @return whether the user was a member
   */
  boolean kick(String room, String userId);

  /**
   * Bans a user from a room: kicks them, and refuses their joins with {@code forbidden} until {@link
   * #unban}. The ban is kept by the history store, so with a durable store it outlives a restart.
   *
   * @throws ChatException with {@code INTERNAL} when the store could not record it
   */
  void ban(String room, String userId);

  /** Lifts a ban; nothing happens when there was none. */
  void unban(String room, String userId);

  /**
   * Mutes a user in a room: their sends to it are refused with {@code forbidden} until {@link #unmute}.
   * They stay a member and read on. Mutes are kept in memory: they end when the server does.
   */
  void mute(String room, String userId);

  /** Lifts a mute; nothing happens when there was none. */
  void unmute(String room, String userId);

  /**
   * Ends every session of a user at once, for a logout or a revoked account: each connection is closed
   * with 4003, no grace period applies (a resume token of theirs no longer works), and their rooms see
   * them leave with reason {@code kicked}. The user may log in again afterwards: keep them out with the
   * {@link Authenticator}.
   *
   * @return the number of sessions ended
   */
  int disconnect(String userId);

  /**
   * Builds a {@link ChatServer}. Every setting has a sensible default; only the transport is required.
   * Not thread-safe.
   */
  final class Builder {
    private final ServerTransport transport;
    private HistoryStore historyStore;
    private Cluster cluster;
    private Authenticator authenticator = Authenticator.anonymous();
    private RoomAuthorizer roomAuthorizer = RoomAuthorizer.allowAll();
    private Limits limits = Limits.defaults();
    private Clock clock = Clock.systemUTC();
    private Executor executor;
    private ChatServerListener listener = new ChatServerListener() {};
    private Duration shutdownTimeout = Duration.ofSeconds(5);

    private Builder(ServerTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /**
     * Where history is kept; the server closes it when it closes. Default: a new
     * {@link HistoryStore#inMemory()}.
     */
    public Builder historyStore(HistoryStore historyStore) {
      this.historyStore = Objects.requireNonNull(historyStore, "historyStore");
      return this;
    }

    /**
     * The cluster this server is a node of, sharing rooms, presence and direct messages with the other
     * nodes; the server starts and closes it. It needs a history store shared by the nodes. Default: a
     * new {@link Cluster#standalone()}, a server alone.
     */
    public Builder cluster(Cluster cluster) {
      this.cluster = Objects.requireNonNull(cluster, "cluster");
      return this;
    }

    /** Who clients are. Default: {@link Authenticator#anonymous()}, anyone may use any free name. */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /** Decides what users may do in rooms; {@link RoomAuthorizer#allowAll()} by default. */
    public Builder roomAuthorizer(RoomAuthorizer roomAuthorizer) {
      this.roomAuthorizer = Objects.requireNonNull(roomAuthorizer, "roomAuthorizer");
      return this;
    }

    /** The limits, replacing all of them. Default: {@link Limits#defaults()}. */
    public Builder limits(Limits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * How long a user whose connection was lost stays in their rooms before others see them leave.
     * Shorthand for changing {@link Limits#presenceGrace()} of the limits set so far. Default: 5 s.
     */
    public Builder presenceGrace(Duration presenceGrace) {
      this.limits = limits.toBuilder().presenceGrace(presenceGrace).build();
      return this;
    }

    /** The clock that stamps messages and refills rate limits. Default: the system clock in UTC. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Where the engine's work runs (handling frames, storing, fanning out). The server never shuts down
     * an executor it was given. Default: a pool of daemon threads the server creates and shuts down.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Observes messages and presence. Default: none. */
    public Builder listener(ChatServerListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** How long {@link ChatServer#close()} waits for connections to flush. Default: 5 s. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
      if (shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative");
      }
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /**
     * Returns the server, not yet started.
     *
     * @throws IllegalStateException when the cluster needs a shared history store and the store is not
     */
    public ChatServer build() {
      HistoryStore store = historyStore != null ? historyStore : HistoryStore.inMemory();
      Cluster node = cluster != null ? cluster : Cluster.standalone();
      if (node.requiresSharedStore() && !store.isShared()) {
        throw new IllegalStateException(node + " needs a history store shared by its nodes, and " + store
            + " is not (HistoryStore.isShared()): use PostgreSQL with JdbcHistoryStore's shared(true)");
      }
      return new ChatEngine(
          transport,
          store,
          node,
          authenticator,
          roomAuthorizer,
          limits,
          clock,
          executor,
          listener,
          shutdownTimeout);
    }
  }
}
