package dev.natter.chat.store.jdbc;

import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.HistoryStore.NewMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Durable appends per second, SQLite and PostgreSQL, one room and 16 rooms. Not a test: run it by hand
 * (the command is in the module's notes and the report). Producers keep up to {@value #WINDOW} appends in
 * flight, as many connected senders would; each room is appended to by one producer thread only, as
 * the engine does.
 *
 * <p>Arguments: {@code [appendsPerRun]} (default 200,000).
 */
final class AppendBenchmark {
  private static final int WINDOW = 5_000;
  private static final int PRODUCERS = 4;

  private AppendBenchmark() {}

  public static void main(String[] args) throws Exception {
    int appends = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    Path folder = Files.createTempDirectory("natter-bench");
    System.out.printf("durable appends per second, %d appends per run, %d in flight, %d cores%n",
        appends, WINDOW, Runtime.getRuntime().availableProcessors());

    try {
      for (int rooms : new int[] {1, 16}) {
        Path file = folder.resolve("bench-" + rooms + ".db");
        run("SQLite", rooms, appends, () -> JdbcHistoryStore.sqlite(file));
      }
    } finally {
      try (Stream<Path> files = Files.walk(folder)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }

    try (PostgresServer postgres = new PostgresServer()) {
      try {
        postgres.start();
      } catch (RuntimeException e) {
        System.out.println("PostgreSQL: skipped (" + e.getMessage() + ")");
        return;
      }
      for (int rooms : new int[] {1, 16}) {
        String url = postgres.newDatabaseUrl();
        run("PostgreSQL", rooms, appends, () -> JdbcHistoryStore.forUrl(url, "postgres", null));
      }
    }
  }

  private static void run(String name, int rooms, int appends, Supplier<HistoryStore> open) throws Exception {
    try (HistoryStore store = open.get()) {
      append(store, rooms, Math.min(appends, 20_000), "warm-up"); // JIT, connections, pages
      long started = System.nanoTime();
      append(store, rooms, appends, "run");
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("%-10s %2d room%s: %,9.0f appends/s (%,d in %.2f s)%n",
          name, rooms, rooms == 1 ? " " : "s", appends / seconds, appends, seconds);
    }
  }

  private static void append(HistoryStore store, int rooms, int appends, String tag) throws InterruptedException {
    Semaphore window = new Semaphore(WINDOW);
    CountDownLatch done = new CountDownLatch(appends);
    AtomicLong failures = new AtomicLong();
    int producers = Math.min(rooms, PRODUCERS);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      User user = new User("user" + p, "User" + p);
      // Each room has one producer: this one owns rooms p, p + producers, p + 2 * producers, ...
      List<String> owned = new ArrayList<>();
      for (int r = p; r < rooms; r += producers) {
        owned.add("room" + r);
      }
      Thread thread = new Thread(() -> {
        try {
          for (int i = producer, k = 0; i < appends; i += producers, k++) {
            window.acquire();
            String room = owned.get(k % owned.size());
            NewMessage message = new NewMessage(room, tag + "-" + i, user, null, "message number " + i,
                Instant.ofEpochMilli(System.currentTimeMillis()), "cid-" + i);
            store.append(message).whenComplete((stored, failure) -> {
              if (failure != null) {
                failures.incrementAndGet();
              }
              window.release();
              done.countDown();
            });
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      thread.start();
      threads.add(thread);
    }
    done.await();
    for (Thread thread : threads) {
      thread.join();
    }
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " appends failed");
    }
  }
}
