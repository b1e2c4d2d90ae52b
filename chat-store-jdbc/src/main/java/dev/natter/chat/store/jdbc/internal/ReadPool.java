package dev.natter.chat.store.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A few connections for reads, each used by one read at a time. At most {@code size} are open; a read
 * beyond that waits for one. A failed read discards its connection, and when the failure says the
 * connection was lost, every idle one too (they went down with it) and tries once more on a new one.
 */
final class ReadPool implements AutoCloseable {
  private static final long WAIT_SECONDS = 30;

  /** A read on a connection. */
  interface Read<T> {
    T run(Connection connection) throws SQLException;
  }

  private final Database database;
  private final Semaphore permits;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  ReadPool(Database database, int size) {
    this.database = database;
    this.permits = new Semaphore(size);
  }

  <T> T read(Read<T> read) throws SQLException {
    try {
      if (!permits.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new SQLException("no read connection free for " + WAIT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a read connection", e);
    }
    try {
      Connection pooled = idle.pollFirst();
      Connection connection = pooled != null ? pooled : database.connect();
      try {
        T result = read.run(connection);
        release(connection);
        return result;
      } catch (SQLException e) {
        Database.closeQuietly(connection);
        if (!database.dialect().isConnectionLost(e)) {
          throw e;
        }
        discardIdle();
        if (pooled == null) {
          throw e;
        }
        Connection fresh = database.connect();
        try {
          T result = read.run(fresh);
          release(fresh);
          return result;
        } catch (SQLException | RuntimeException retry) {
          Database.closeQuietly(fresh);
          throw retry;
        }
      } catch (RuntimeException e) {
        Database.closeQuietly(connection);
        throw e;
      }
    } finally {
      permits.release();
    }
  }

  /** Closes the idle connections; those in use are closed when their read ends. Idempotent. */
  @Override
  public void close() {
    closed = true;
    discardIdle();
  }

  private void release(Connection connection) {
    idle.addFirst(connection);
    if (closed) {
      discardIdle();
    }
  }

  private void discardIdle() {
    Connection connection;
    while ((connection = idle.pollFirst()) != null) {
      Database.closeQuietly(connection);
    }
  }
}
