package dev.natter.chat.store.jdbc.internal;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.internal.DaemonThreads;
import dev.natter.chat.spi.HistoryStore.NewMessage;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends through one writer thread that commits everything waiting, up to a batch size, in one
 * transaction: one disk sync for the whole batch instead of one per message.
 *
 * <p>{@link #append} only queues (bounded: a full queue fails the append at once). The writer takes
 * what is queued, writes it in queue order, commits, and hands the outcomes to a completion thread,
 * which completes the futures in queue order; so the writer is already on the next batch while the
 * engine fans the last one out.
 *
 * <p>When a batch fails, nothing of it is stored, and every append of its rooms that was queued when
 * the failure was decided fails too, so the room's {@code seq}s stay in call order without a gap: the
 * next append after them takes the failed one's {@code seq}. An append made concurrently with that
 * decision may go either way; both keep the log gap-free. After a failure the writer drops its
 * connection and opens a new one for the next batch, so a database that comes back is used again.
 *
 * <p>Shared (several stores on one PostgreSQL database), the batch is the same but its {@code seq}s
 * and cid claims come from row-locked rows of the database, in the same transaction ({@link
 * LogWriter}, {@link SharedNumbering}): a failed batch rolls its counters back with its rows.
 */
public final class GroupCommitWriter implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(GroupCommitWriter.class.getName());
  private static final long CLOSE_WAIT_MILLIS = 10_000;
  /** Marks the end of the queue; never completed. */
  private static final Pending END = new Pending(null, -1);

  private final Database database;
  private final LogWriter log;
  private final int capacity;
  private final int maxBatch;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong tickets = new AtomicLong();
  private final ExecutorService completions;
  private final Thread thread;
  private volatile boolean closed;
  /** Set when close() gave up waiting: what is still queued fails instead of being written. */
  private volatile boolean aborted;

  // The writer thread's alone.
  private Connection connection;
  /** Commits since the dialect's idle housekeeping last ran; the writer thread's own. */
  private int commitsSinceIdle;
  /** Room -> appends of that room with a lower ticket fail: they were queued behind a failed one. */
  private final Map<String, Long> failedBefore = new HashMap<>();

  /** Starts the writer thread of a store that is its database's only writer (not shared). */
  public GroupCommitWriter(Database database, String epoch, int capacity, int maxBatch) {
    this(database, epoch, capacity, maxBatch, false);
  }

  /**
   * Starts the writer thread.
   *
   * @param epoch the store's epoch, the one of every new room
   * @param capacity how many appends may wait; more fail at once
   * @param maxBatch how many appends one transaction holds at most
   * @param shared whether other stores may append to the same database: each batch then takes its
   *     rooms' {@code seq}s and its cids from the database (PostgreSQL only; see {@link SharedNumbering})
   */
  public GroupCommitWriter(Database database, String epoch, int capacity, int maxBatch, boolean shared) {
    this.database = database;
    this.log = new LogWriter(epoch, shared);
    this.capacity = capacity;
    this.maxBatch = maxBatch;
    this.completions = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        new DaemonThreads("natter-store-completion"));
    this.thread = new DaemonThreads("natter-store-writer").newThread(this::run);
    thread.start();
  }

  /** Queues a message; never blocks. See the class comment. */
  public CompletableFuture<ChatMessage> append(NewMessage message) {
    if (closed) {
      return CompletableFuture.failedFuture(Failures.internal(Failures.CLOSED));
    }
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      return CompletableFuture.failedFuture(Failures.internal(Failures.OVERLOADED));
    }
    // Calls for one room come one at a time, so a room's tickets follow its call order.
    Pending pending = new Pending(message, tickets.getAndIncrement());
    queue.add(pending);
    // close() may have drained the queue between the check above and the add: then fail it here.
    if (closed && queue.remove(pending)) {
      pending.future.completeExceptionally(Failures.internal(Failures.CLOSED));
    }
    return pending.future;
  }

  /**
   * Stops taking appends (later ones fail with "closed"), commits those queued before, and closes the
   * writer's connection. When that takes longer than {@value #CLOSE_WAIT_MILLIS} ms (the database hangs
   * or is locked), the appends not yet written fail with "closed" instead. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(END);
    try {
      thread.join(CLOSE_WAIT_MILLIS);
      if (thread.isAlive()) {
        LOG.log(System.Logger.Level.WARNING,
            "the history writer did not finish in time; failing the appends still queued");
        aborted = true;
        thread.join(CLOSE_WAIT_MILLIS);
      }
    } catch (InterruptedException e) {
      aborted = true;
      Thread.currentThread().interrupt();
    }
    completions.shutdown();
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    try {
      while (true) {
        Pending first = queue.poll();
        if (first == null) {
          whileIdle(); // nothing waits for a commit now
          first = queue.take();
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        int end = batch.indexOf(END);
        queued.addAndGet(-(end < 0 ? batch.size() : batch.size() - 1));
        List<Pending> work = end < 0 ? batch : batch.subList(0, end);
        if (aborted) {
          complete(new ArrayList<>(work), Failures.internal(Failures.CLOSED));
        } else {
          write(work);
        }
        if (end >= 0) {
          // Queued after close() had begun: close() or append() fails them.
          complete(new ArrayList<>(batch.subList(end + 1, batch.size())), Failures.internal(Failures.CLOSED));
          break;
        }
        batch.clear();
      }
    } catch (InterruptedException e) {
      // Nothing interrupts the writer but a JVM going down; it ends as a close would.
      closed = true;
    } catch (RuntimeException | Error e) {
      closed = true;
      LOG.log(System.Logger.Level.ERROR, "the history writer stopped", e);
      throw e;
    } finally {
      List<Pending> rest = new ArrayList<>();
      queue.drainTo(rest);
      rest.remove(END);
      complete(rest, Failures.internal(Failures.CLOSED));
      Database.closeQuietly(connection);
      connection = null;
    }
  }

  /** Writes one batch in one transaction and hands the outcomes, in queue order, to the completer. */
  private void write(List<Pending> batch) {
    if (batch.isEmpty()) {
      return;
    }
    List<Pending> toWrite = new ArrayList<>(batch.size());
    for (Pending pending : batch) {
      if (!queuedBehindFailure(pending)) {
        toWrite.add(pending);
      }
    }
    if (!toWrite.isEmpty()) {
      try {
        List<ChatMessage> stored = writeAndCommit(toWrite);
        for (int i = 0; i < stored.size(); i++) {
          toWrite.get(i).stored = stored.get(i);
        }
      } catch (SQLException | RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "storing " + toWrite.size()
            + " messages failed; they and those queued behind them in their rooms fail", e);
        Set<String> rooms = new LinkedHashSet<>();
        toWrite.forEach(p -> rooms.add(p.message.room()));
        log.forget(rooms);
        // Every append of these rooms queued until now fails; those after this moment do not.
        long mark = tickets.get();
        rooms.forEach(room -> failedBefore.put(room, mark));
        Database.closeQuietly(connection);
        connection = null;
      }
    }
    complete(new ArrayList<>(batch), Failures.internal(Failures.APPEND_FAILED));
  }

  // Lets the dialect do its housekeeping (SQLite's checkpoint) now that nothing waits for a commit.
  private void whileIdle() {
    if (connection == null || commitsSinceIdle == 0) {
      return;
    }
    try {
      if (database.dialect().whileIdle(connection, commitsSinceIdle)) {
        commitsSinceIdle = 0;
      }
    } catch (SQLException | RuntimeException e) {
      // Housekeeping only: the next commit works without it, and the next idle moment tries again.
      LOG.log(System.Logger.Level.DEBUG, "housekeeping while idle failed", e);
    }
  }

  private boolean queuedBehindFailure(Pending pending) {
    Long mark = failedBefore.get(pending.message.room());
    if (mark == null) {
      return false;
    }
    if (pending.ticket < mark) {
      return true;
    }
    failedBefore.remove(pending.message.room()); // the room's later appends are all newer
    return false;
  }

  /**
   * Writes and commits, on a new connection if there is none. A connection that broke while idle (the
   * server restarted) fails before the commit: nothing was written, so the batch is tried once more on
   * a new connection.
   */
  private List<ChatMessage> writeAndCommit(List<Pending> batch) throws SQLException {
    List<NewMessage> messages = new ArrayList<>(batch.size());
    batch.forEach(p -> messages.add(p.message));
    boolean reused = connection != null;
    LogWriter.Written written;
    try {
      written = writeInTransaction(messages);
    } catch (SQLException e) {
      if (!reused || !database.dialect().isConnectionLost(e)) {
        throw e;
      }
      LOG.log(System.Logger.Level.INFO, "the history database connection was lost; reconnecting");
      Database.closeQuietly(connection);
      connection = null;
      written = writeInTransaction(messages);
    }
    database.dialect().commit(connection);
    commitsSinceIdle++;
    log.committed(written);
    return written.messages();
  }

  private LogWriter.Written writeInTransaction(List<NewMessage> messages) throws SQLException {
    if (connection == null) {
      Connection fresh = database.connect();
      try {
        log.prepare(fresh);
      } catch (SQLException | RuntimeException e) {
        Database.closeQuietly(fresh);
        throw e;
      }
      connection = fresh;
    }
    Dialect dialect = database.dialect();
    dialect.begin(connection);
    try {
      return log.write(connection, messages);
    } catch (SQLException | RuntimeException e) {
      try {
        dialect.rollback(connection);
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Completes the futures in order on the completion thread: with the stored message when there is
   * one, else with the failure.
   */
  private void complete(List<Pending> pendings, ChatException failure) {
    if (pendings.isEmpty()) {
      return;
    }
    Runnable completeAll = () -> {
      for (Pending p : pendings) {
        if (p.stored != null) {
          p.future.complete(p.stored);
        } else {
          p.future.completeExceptionally(failure);
        }
      }
    };
    try {
      completions.execute(completeAll);
    } catch (RejectedExecutionException e) {
      completeAll.run(); // close() gave up waiting and shut the completer down: complete them here
    }
  }

  /** An append waiting for its batch. */
  private static final class Pending {
    final NewMessage message;
    final long ticket;
    final CompletableFuture<ChatMessage> future = new CompletableFuture<>();
    /** Set by the writer once committed; read by the completer, which the hand-over orders after. */
    ChatMessage stored;

    Pending(NewMessage message, long ticket) {
      this.message = message;
      this.ticket = ticket;
    }
  }
}
