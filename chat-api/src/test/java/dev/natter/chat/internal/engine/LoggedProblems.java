package dev.natter.chat.internal.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What Natter logs at WARNING or worse while open. The engine answers a request that threw with a bare
 * {@code internal} error and logs the exception; a lane task that threw is only logged. So this is
 * where an exception the engine swallowed shows up.
 */
final class LoggedProblems extends Handler implements AutoCloseable {
  // Held here: java.util.logging keeps loggers only weakly, and the handler must stay attached.
  private final Logger natter = Logger.getLogger("dev.natter");
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  LoggedProblems() {
    setLevel(Level.WARNING);
    natter.addHandler(this);
  }

  @Override
  public void publish(LogRecord record) {
    if (isLoggable(record)) {
      records.add(record);
    }
  }

  /** The records so far, as "logger: message: exception" lines. */
  List<String> problems() {
    return records.stream()
        .map(r -> r.getLoggerName() + ": " + r.getMessage() + (r.getThrown() == null ? "" : ": " + r.getThrown()))
        .toList();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    natter.removeHandler(this);
  }
}
