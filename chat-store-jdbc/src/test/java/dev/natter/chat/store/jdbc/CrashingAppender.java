package dev.natter.chat.store.jdbc;

import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.HistoryStore.NewMessage;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Semaphore;

/**
 * The child JVM of {@link CrashSafetyTest}: appends to two rooms of a SQLite store as fast as it can and
 * prints {@code ack ROOM SEQ MID} for every acknowledged append, until it is killed. It also ends when
 * its standard input closes, so a test that died leaves no process behind. Given a PostgreSQL URL
 * instead of a file, it opens a shared store there as user postgres ({@link SharedPostgresStoreTest}).
 */
final class CrashingAppender {
  private CrashingAppender() {}

  public static void main(String[] args) throws InterruptedException {
    Thread orphanGuard = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // the parent writes nothing; EOF means it is gone
        }
      } catch (IOException e) {
        // the same
      }
      Runtime.getRuntime().halt(3);
    });
    orphanGuard.setDaemon(true);
    orphanGuard.start();

    HistoryStore store = args[0].startsWith("jdbc:postgresql:")
        ? JdbcHistoryStore.builderForUrl(args[0], "postgres", null).shared(true).open()
        : JdbcHistoryStore.sqlite(Path.of(args[0]));
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    User user = new User("child", "Child");
    Semaphore window = new Semaphore(500);
    for (long i = 0; ; i++) {
      window.acquire();
      String room = "room" + (i % 2);
      NewMessage message = new NewMessage(room, "mid-" + i, user, null, "message " + i,
          Instant.ofEpochMilli(System.currentTimeMillis()), "cid-" + i);
      store.append(message).whenComplete((stored, failure) -> {
        window.release();
        if (failure == null) {
          // Completions come one at a time, in order, on the store's completion thread.
          out.println("ack " + stored.room() + " " + stored.seq() + " " + stored.mid());
          out.flush();
        } else {
          System.err.println("append failed: " + failure);
        }
      });
    }
  }
}
