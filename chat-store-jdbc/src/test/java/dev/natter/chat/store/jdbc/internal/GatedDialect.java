package dev.natter.chat.store.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A dialect that counts commits and can hold the writer at the start of its first transaction, so a test
 * knows which appends are queued while a batch is on its way.
 */
final class GatedDialect implements Dialect {
  private final Dialect delegate;
  private final CountDownLatch firstBatchStarted = new CountDownLatch(1);
  private final CountDownLatch gate = new CountDownLatch(1);
  private final AtomicInteger begins = new AtomicInteger();
  final AtomicInteger commits = new AtomicInteger();

  GatedDialect(Dialect delegate) {
    this.delegate = delegate;
  }

  /** Waits until the writer holds its first batch, stopped before the transaction. */
  void awaitFirstBatch() throws InterruptedException {
    if (!firstBatchStarted.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the writer never started a batch");
    }
  }

  /** Lets the first batch go on. */
  void open() {
    gate.countDown();
  }

  @Override
  public void begin(Connection connection) throws SQLException {
    if (begins.incrementAndGet() == 1) {
      firstBatchStarted.countDown();
      try {
        if (!gate.await(30, TimeUnit.SECONDS)) {
          throw new SQLException("the test never opened the gate");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException(e);
      }
    }
    delegate.begin(connection);
  }

  @Override
  public void commit(Connection connection) throws SQLException {
    delegate.commit(connection);
    commits.incrementAndGet();
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public Properties connectionProperties() {
    return delegate.connectionProperties();
  }

  @Override
  public void configure(Connection connection) throws SQLException {
    delegate.configure(connection);
  }

  @Override
  public void rollback(Connection connection) throws SQLException {
    delegate.rollback(connection);
  }

  @Override
  public void lockSchema(Connection connection) throws SQLException {
    delegate.lockSchema(connection);
  }

  @Override
  public List<String> migration(int version) {
    return delegate.migration(version);
  }

  @Override
  public boolean isConnectionLost(SQLException failure) {
    return delegate.isConnectionLost(failure);
  }
}
