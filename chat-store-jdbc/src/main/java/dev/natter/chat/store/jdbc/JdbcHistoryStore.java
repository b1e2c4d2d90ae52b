package dev.natter.chat.store.jdbc;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.PageRequest;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.store.jdbc.internal.AccountRows;
import dev.natter.chat.store.jdbc.internal.Database;
import dev.natter.chat.store.jdbc.internal.Dialect;
import dev.natter.chat.store.jdbc.internal.GroupCommitWriter;
import dev.natter.chat.store.jdbc.internal.HistoryReads;
import dev.natter.chat.store.jdbc.internal.Schema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A durable {@link HistoryStore}: SQLite in one file by default, or PostgreSQL. The same database can
 * also keep user accounts for an application's own login: see {@link #accounts()}.
 *
 * <pre>{@code
 * ChatServer server = ChatServer.builder(transport)
 *     .historyStore(JdbcHistoryStore.sqlite(dataDir.resolve("history.db")))
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p><b>Durable before acknowledged.</b> An append's future completes once its transaction has
 * committed (SQLite: WAL synced to disk at every commit, {@code synchronous=FULL}; PostgreSQL:
 * {@code synchronous_commit=on}). Appends that arrive together are committed together by one writer
 * thread (group commit), so durability costs one disk sync per batch, not per message.
 *
 * <p><b>Logs.</b> Each room's {@code seq} runs 1, 2, 3, ... without a gap, across restarts; the database
 * keeps every message (no retention yet), and a room's epoch is created with the database and stays
 * the same for as long as the database lives. A {@code cid} is found again after a restart.
 *
 * <p><b>Repeated cids.</b> Shared, an append that repeats its sender's {@code cid} within
 * {@link HistoryStore#CID_WINDOW} stores nothing and completes with the first message, as
 * {@link HistoryStore#append} requires of a shared store. Alone, the store does not look: the repeat is
 * stored as a new message, which the contract allows, because the engine writing to it answers repeats
 * itself; a lookup per batch would cost the only writer for nothing.
 *
 * <p><b>Schema.</b> Created on an empty database and migrated on open, each version in one transaction;
 * a database whose schema is newer than this code is refused ({@link IllegalStateException}, naming both
 * versions). Version 1 holds the logs, version 2 adds room bans, version 3 adds
 * {@linkplain #accounts() accounts}, version 4 adds the cid claims of shared stores.
 *
 * <p><b>One store per database,</b> by default. The writer remembers each room's latest {@code seq}; a
 * second store writing to the same database would have its batches refused by the {@code (room, seq)}
 * key. Several stores on one PostgreSQL database need {@link Builder#shared(boolean) shared(true)}.
 *
 * <p><b>Failures.</b> When the database cannot take a batch (a locked or unwritable file, a full disk,
 * a server that went away), the batch's appends fail with {@link ChatStatus.Code#INTERNAL}, nothing of
 * them is stored, the appends queued behind them in the same rooms fail too (see
 * {@link HistoryStore}), and the next batch tries a new connection: the store recovers by itself once the
 * database is back. Reads that fail throw {@link ChatException} with {@code INTERNAL}. Messages never
 * name SQL, paths or credentials; the details are logged through {@link System.Logger}.
 *
 * <p><b>Threads and closing.</b> Thread-safe under {@link HistoryStore}'s contract. Futures complete on
 * the store's completion thread, in order per room. {@link #close()} commits the appends queued before
 * it (waiting at most about 10 s; what is not written by then fails), and closes the connections; it is
 * idempotent, and appends and reads after it fail with {@code INTERNAL}. The server that owns the store
 * closes it once its own work is done.
 */
public final class JdbcHistoryStore implements HistoryStore {
  private final String description;
  private final GroupCommitWriter writer;
  private final HistoryReads reads;
  private final boolean shared;
  private final JdbcAccounts accounts;
  private final AtomicBoolean closed = new AtomicBoolean();

  private JdbcHistoryStore(String description, GroupCommitWriter writer, HistoryReads reads, boolean shared) {
    this.description = description;
    this.writer = writer;
    this.reads = reads;
    this.shared = shared;
    this.accounts = new JdbcAccounts(new AccountRows(reads));
  }

  /**
   * Opens (creating it and its parent folders when missing) a SQLite database file with the default
   * options.
   *
   * @throws ChatException with {@code INTERNAL} when the file cannot be opened or set up
   * @throws IllegalStateException when the file's schema is newer than this code knows
   */
  public static JdbcHistoryStore sqlite(Path file) {
    return sqliteBuilder(file).open();
  }

  /**
   * Opens a database by its JDBC URL: {@code jdbc:postgresql://host:port/db} (the PostgreSQL driver,
   * {@code org.postgresql:postgresql}, must be on the class path) or {@code jdbc:sqlite:FILE}.
   *
   * @param user the user, or {@code null} when the URL names it or the database needs none
   * @param password the password, or {@code null}
   * @throws IllegalArgumentException for a URL of another database
   * @throws IllegalStateException when the driver is missing, or the schema is newer than this code knows
   * @throws ChatException with {@code INTERNAL} when the database cannot be reached or set up
   */
  public static JdbcHistoryStore forUrl(String jdbcUrl, String user, String password) {
    return builderForUrl(jdbcUrl, user, password).open();
  }

  /** A builder for a SQLite file, to set options before {@link Builder#open()}. */
  public static Builder sqliteBuilder(Path file) {
    Objects.requireNonNull(file, "file");
    return new Builder("jdbc:sqlite:" + file.toAbsolutePath(), null, null, file.toAbsolutePath());
  }

  /** A builder for a JDBC URL, as {@link #forUrl}, to set options before {@link Builder#open()}. */
  public static Builder builderForUrl(String jdbcUrl, String user, String password) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Dialect.forUrl(jdbcUrl, Duration.ZERO); // refuses other databases now rather than at open()
    return new Builder(jdbcUrl, user, password, null);
  }

  @Override
  public LogState state(String room) {
    // A null name matches no row; it is the caller's bug, not a room never written to.
    return reads.state(Objects.requireNonNull(room, "room"));
  }

  /** One query for all the rooms (PostgreSQL: {@code = ANY(?)}; SQLite: {@code IN (...)} in chunks). */
  @Override
  public Map<String, Long> latestSeqs(Collection<String> rooms) {
    return reads.latestSeqs(rooms);
  }

  /** Whether it was opened with {@link Builder#shared(boolean) shared(true)}. */
  @Override
  public boolean isShared() {
    return shared;
  }

  @Override
  public CompletableFuture<ChatMessage> append(NewMessage message) {
    if (message == null) {
      return CompletableFuture.failedFuture(new NullPointerException("message"));
    }
    return writer.append(message);
  }

  @Override
  public HistoryPage read(String room, PageRequest request) {
    return reads.read(room, request);
  }

  @Override
  public Optional<ChatMessage> findByCid(String userId, String cid, Instant notBefore) {
    return reads.findByCid(userId, cid, notBefore);
  }

  @Override
  public Optional<User> findUser(String userId) {
    return reads.findUser(userId);
  }

  @Override
  public List<DirectConversation> directConversations(String userId, int limit) {
    return reads.directConversations(userId, limit);
  }

  @Override
  public List<String> rooms() {
    return reads.rooms();
  }

  @Override
  public void setBanned(String room, String userId, boolean banned) {
    reads.setBanned(room, userId, banned);
  }

  @Override
  public boolean isBanned(String room, String userId) {
    return reads.isBanned(room, userId);
  }

  /**
   * The user accounts kept in this store's database (table {@code accounts}), for an application's own
   * login. They share the store's connections and life: after {@link #close()} their calls fail with
   * {@code INTERNAL}. The chat itself never reads them.
   */
  public JdbcAccounts accounts() {
    return accounts;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      writer.close();
      reads.close();
    }
  }

  /** Names the database without credentials. */
  @Override
  public String toString() {
    return "JdbcHistoryStore[" + description + "]";
  }

  /** Options of a {@link JdbcHistoryStore}; {@link #open()} opens it. Not thread-safe. */
  public static final class Builder {
    private final String url;
    private final String user;
    private final String password;
    private final Path sqliteFile;
    private int queueCapacity = 10_000;
    private int maxBatchSize = 1_000;
    private int readConnections = 4;
    private Duration busyTimeout = Duration.ofSeconds(5);
    private boolean shared;

    private Builder(String url, String user, String password, Path sqliteFile) {
      this.url = url;
      this.user = user;
      this.password = password;
      this.sqliteFile = sqliteFile;
    }

    /** How many appends may wait for the writer (default 10,000); beyond that, appends fail at once. */
    public Builder queueCapacity(int queueCapacity) {
      this.queueCapacity = positive(queueCapacity, "queueCapacity");
      return this;
    }

    /** How many appends one transaction holds at most (default 1,000). */
    public Builder maxBatchSize(int maxBatchSize) {
      this.maxBatchSize = positive(maxBatchSize, "maxBatchSize");
      return this;
    }

    /** How many connections reads may hold at once (default 4). */
    public Builder readConnections(int readConnections) {
      this.readConnections = positive(readConnections, "readConnections");
      return this;
    }

    /**
     * SQLite only: how long a write waits for another connection's lock on the file before its batch
     * fails (default 5 s).
     */
    public Builder busyTimeout(Duration busyTimeout) {
      Objects.requireNonNull(busyTimeout, "busyTimeout");
      if (busyTimeout.isNegative()) {
        throw new IllegalArgumentException("busyTimeout must not be negative: " + busyTimeout);
      }
      this.busyTimeout = busyTimeout;
      return this;
    }

    /**
     * PostgreSQL only: whether other stores, in this process or others, may append to the same
     * database (default false). Shared, each room's {@code seq} is assigned in the append's
     * transaction from the room's row-locked counter, never from memory, so the stores' appends to one
     * room are numbered 1, 2, 3, ... without a gap or a duplicate, and a {@code seq} is committed only
     * after every lower one of its room. An append whose sender stored the same {@code cid} within
     * {@link HistoryStore#CID_WINDOW} (by the messages' timestamps), through any of the stores, stores
     * nothing and completes with that first message. A batch that waits more than 2 s for a row another
     * store holds fails with {@code INTERNAL}. The cost: a round trip per batch for its rooms, another
     * for its cids, and one room's batches from different stores take turns. The store then says it
     * {@linkplain JdbcHistoryStore#isShared() is shared}.
     *
     * @throws IllegalArgumentException when {@code true} for SQLite, whose file one store writes
     */
    public Builder shared(boolean shared) {
      if (shared && !Dialect.forUrl(url, Duration.ZERO).allowsSharedWriters()) {
        throw new IllegalArgumentException("a shared history store needs PostgreSQL: "
            + Dialect.forUrl(url, Duration.ZERO).name() + " is written by one store only");
      }
      this.shared = shared;
      return this;
    }

    /**
     * Connects, creates or migrates the schema, and starts the writer.
     *
     * @throws ChatException with {@code INTERNAL} when the database cannot be reached or set up
     * @throws IllegalStateException when the driver is missing, or the schema is newer than this code
     *     knows
     */
    public JdbcHistoryStore open() {
      Dialect dialect = Dialect.forUrl(url, busyTimeout);
      Database database = new Database(url, user, password, dialect);
      database.requireDriver();
      String epoch;
      try {
        if (sqliteFile != null && sqliteFile.getParent() != null) {
          Files.createDirectories(sqliteFile.getParent());
        }
        try (Connection connection = database.connect()) {
          epoch = Schema.migrate(connection, dialect);
        }
      } catch (IOException | SQLException e) {
        System.getLogger(JdbcHistoryStore.class.getName())
            .log(System.Logger.Level.ERROR, "opening the " + dialect.name() + " history database failed", e);
        throw new ChatException(ChatStatus.of(ChatStatus.Code.INTERNAL,
            "cannot open the " + dialect.name() + " history database"), e);
      }
      GroupCommitWriter writer = new GroupCommitWriter(database, epoch, queueCapacity, maxBatchSize, shared);
      HistoryReads reads = new HistoryReads(database, epoch, readConnections);
      return new JdbcHistoryStore(describe(), writer, reads, shared);
    }

    private String describe() {
      if (sqliteFile != null) {
        return "sqlite:" + sqliteFile;
      }
      // A URL's parameters may carry a password.
      int query = url.indexOf('?');
      return (query < 0 ? url : url.substring(0, query)).substring("jdbc:".length());
    }

    private static int positive(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1: " + value);
      }
      return value;
    }
  }
}
