package dev.natter.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore.NewMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite under bad conditions: a file locked by another connection, a file that became unwritable, a
 * queue that is full. Each failure is {@code internal}, stores nothing, and the store works again once
 * the condition is gone, with the next {@code seq} and no gap.
 */
class SqliteFailureTest {
  private static final User ALICE = new User("alice", "Alice");

  @TempDir Path folder;
  private int mids;

  @Test
  void aLockedFileFailsTheAppendsAndTheNextAppendAfterTheLockTakesTheNextSeq() throws Exception {
    Path file = folder.resolve("history.db");
    try (JdbcHistoryStore store = JdbcHistoryStore.sqliteBuilder(file).busyTimeout(Duration.ofMillis(200)).open()) {
      ChatMessage first = store.append(message("general", "first")).join();

      try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement statement = locker.createStatement()) {
        statement.execute("BEGIN EXCLUSIVE");
        CompletableFuture<ChatMessage> locked = store.append(message("general", "while locked"));
        CompletableFuture<ChatMessage> behind = store.append(message("general", "queued behind it"));

        assertFailsInternal(locked);
        assertFailsInternal(behind);
        assertThat(store.read("general", dev.natter.chat.PageRequest.latest(10)).messages())
            .as("reads go on under a writer's lock, and see nothing half-written").containsExactly(first);
        statement.execute("ROLLBACK");
      }

      ChatMessage after = store.append(message("general", "after the lock")).join();
      assertThat(after.seq()).isEqualTo(2);
      assertThat(HistoryStoreContract.readAll(store, "general")).containsExactly(first, after);
      assertThat(store.state("general").latestSeq()).isEqualTo(2);
    }
  }

  @Test
  void aFileThatBecameUnwritableFailsTheAppendsAndTheStoreRecoversWhenItIsWritableAgain()
      throws Exception {
    Path file = folder.resolve("history.db");
    // Not the -shm file: SQLite maps it into memory, and a write to a mapped immutable file is a SIGBUS.
    List<Path> files = List.of(file, Path.of(file + "-wal"));
    try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(file)) {
      ChatMessage first = store.append(message("general", "first")).join();

      makeImmutable(files);
      ChatMessage after;
      try {
        assumeTrue(!isWritable(file), "this user can still write an immutable file");
        assertFailsInternal(store.append(message("general", "while read-only")));
      } finally {
        undoImmutable(files);
      }

      after = store.append(message("general", "writable again")).join();
      assertThat(after.seq()).isEqualTo(2);
      assertThat(HistoryStoreContract.readAll(store, "general")).containsExactly(first, after);
    }
    try (JdbcHistoryStore reopened = JdbcHistoryStore.sqlite(file)) {
      assertThat(HistoryStoreContract.readAll(reopened, "general")).extracting(ChatMessage::text)
          .containsExactly("first", "writable again");
    }
  }

  @Test
  void aFullQueueFailsTheAppendAtOnceAndCostsNoSeq() throws Exception {
    Path file = folder.resolve("history.db");
    try (JdbcHistoryStore store = JdbcHistoryStore.sqliteBuilder(file)
        .queueCapacity(2).maxBatchSize(1).busyTimeout(Duration.ofSeconds(60)).open()) {
      store.append(message("general", "first")).join();
      List<CompletableFuture<ChatMessage>> accepted = new ArrayList<>();
      List<CompletableFuture<ChatMessage>> refused = new ArrayList<>();
      try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement statement = locker.createStatement()) {
        statement.execute("BEGIN EXCLUSIVE");
        // While the lock holds the writer, it has at most one batch of one, and the queue two more.
        for (int i = 0; i < 10; i++) {
          CompletableFuture<ChatMessage> future = store.append(message("general", "m" + i));
          (future.isCompletedExceptionally() ? refused : accepted).add(future);
        }

        assertThat(accepted).hasSizeLessThanOrEqualTo(3);
        assertThat(refused).hasSizeGreaterThanOrEqualTo(7);
        assertThatThrownBy(refused.get(0)::join).cause().hasMessageContaining("overloaded");
        statement.execute("ROLLBACK");
      }

      assertThat(accepted).extracting(f -> f.get(30, TimeUnit.SECONDS).seq())
          .as("after the first, without the refused ones")
          .containsExactlyElementsOf(LongStream.rangeClosed(2, accepted.size() + 1).boxed().toList());
      assertThat(store.state("general").latestSeq()).isEqualTo(accepted.size() + 1);
    }
  }

  private NewMessage message(String room, String text) {
    return new NewMessage(room, "mid-" + ++mids, ALICE, null, text, Instant.ofEpochMilli(1_000 + mids), null);
  }

  private static void assertFailsInternal(CompletableFuture<ChatMessage> append) {
    assertThatThrownBy(append::join).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(ChatException.class)
        .satisfies(e -> assertThat(((ChatException) e).code()).isEqualTo(ChatStatus.Code.INTERNAL));
  }

  /** chattr +i: unwritable even for root and even through descriptors already open. */
  private static void makeImmutable(List<Path> files) throws Exception {
    for (Path file : files) {
      if (Files.exists(file)) {
        int exit = new ProcessBuilder("chattr", "+i", file.toString()).inheritIO().start().waitFor();
        assumeTrue(exit == 0, "chattr +i is not available here (it needs root and an ext4-like file system)");
      }
    }
  }

  private static void undoImmutable(List<Path> files) throws Exception {
    for (Path file : files) {
      if (Files.exists(file)) {
        new ProcessBuilder("chattr", "-i", file.toString()).inheritIO().start().waitFor();
      }
    }
  }

  private static boolean isWritable(Path file) {
    try {
      Files.newOutputStream(file, StandardOpenOption.APPEND).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
