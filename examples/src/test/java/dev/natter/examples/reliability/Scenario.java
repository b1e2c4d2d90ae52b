package dev.natter.examples.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.PageRequest;
import dev.natter.chat.ReconnectPolicy;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.store.jdbc.JdbcHistoryStore;
import dev.natter.chat.tck.reliability.CheckedClient;
import dev.natter.chat.tck.reliability.DeliveryChecker;
import dev.natter.chat.tck.reliability.DeliveryLog;
import dev.natter.chat.tck.reliability.Verdict;
import dev.natter.chat.websocket.WebSocketClientTransport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * What every scenario shares: the delivery log, clients that record into it and reconnect quickly, and
 * the verdict at the end. Closes every client it made.
 */
final class Scenario implements AutoCloseable {
  /** How long the traffic may take to settle after the faults end: generous, for a loaded machine. */
  static final Duration SETTLE = Duration.ofSeconds(60);

  /** Reconnect soon and often, so a scenario spends its time on traffic rather than on backoff. */
  static final ReconnectPolicy QUICK_RECONNECT = ReconnectPolicy.defaults()
      .withInitialDelay(Duration.ofMillis(50)).withMaxDelay(Duration.ofMillis(500));

  /**
   * Short: a connection attempt that reaches a dying server (SIGKILL leaves its listening socket
   * accepting for a moment) is given up soon rather than after the default 10 s.
   */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  final DeliveryLog log = new DeliveryLog();
  private final List<CheckedClient> clients = new ArrayList<>();

  /** A client named {@code name} on {@code ws://127.0.0.1:PORT/chat}, connected. */
  CheckedClient connect(String name, int port) {
    return connect(name, port, new ChatListener() {});
  }

  /**
   * A client named {@code name} on {@code ws://127.0.0.1:PORT/chat} whose events also go to
   * {@code also}.
   */
  CheckedClient connect(String name, int port, ChatListener also) {
    return connect(name, port, also, UnaryOperator.identity());
  }

  /** As {@link #connect(String, int, ChatListener)}, with {@code options} applied to the builder last. */
  CheckedClient connect(String name, int port, ChatListener also, UnaryOperator<ChatClient.Builder> options) {
    WebSocketClientTransport transport = WebSocketClientTransport
        .forUri(URI.create("ws://127.0.0.1:" + port + "/chat")).connectTimeout(CONNECT_TIMEOUT).build();
    CheckedClient client = CheckedClient.connect(log, name, transport,
        b -> options.apply(b.reconnect(QUICK_RECONNECT).requestTimeout(SETTLE)), also);
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  /** Records what the SQLite file at {@code database} holds for {@code rooms}, to be checked too. */
  void recordStore(Path database, Collection<String> rooms) {
    try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(database)) {
      recordStore(store, rooms);
    }
  }

  /** Records what {@code store} holds for {@code rooms}, to be checked too; leaves the store open. */
  void recordStore(HistoryStore store, Collection<String> rooms) {
    for (String room : rooms) {
      List<ChatMessage> messages = new ArrayList<>();
      long after = 0;
      HistoryPage page;
      do {
        page = store.read(room, PageRequest.after(after, 500));
        messages.addAll(page.messages());
        after = messages.isEmpty() ? 0 : messages.get(messages.size() - 1).seq();
      } while (page.more());
      log.storeHolds(room, messages);
    }
  }

  /** How many sends were acknowledged so far. */
  long acked() {
    return log.sends().stream().filter(send -> send.outcome() == DeliveryLog.Outcome.ACKED).count();
  }

  /**
   * Waits until {@code condition} holds; fails naming {@code what} when it does not within
   * {@link #SETTLE}.
   */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + SETTLE + ": " + what);
      }
      Thread.sleep(10); // polling a condition, with a deadline
    }
  }

  /**
   * Waits until every send is answered and every client caught up, or {@link #SETTLE} passed; the
   * verdict then says what is missing.
   */
  boolean settle() throws InterruptedException {
    return log.awaitSettled(SETTLE);
  }

  /**
   * The checker's verdict; fails when it is not valid or when a client was told of a gap (the SQLite
   * store keeps everything, so none may be reported).
   */
  Verdict check() {
    Verdict verdict = DeliveryChecker.check(log);
    System.out.println("verdict: " + verdict.summary());
    assertThat(verdict.valid()).as(verdict.summary()).isTrue();
    assertThat(verdict.gaps()).as("gaps reported; %s", verdict.summary()).isZero();
    return verdict;
  }

  /** Closes every client: the log no longer expects them to see anything. */
  void stopClients() {
    close();
  }

  @Override
  public void close() {
    synchronized (clients) {
      clients.forEach(CheckedClient::close);
      clients.clear();
    }
  }
}
