package dev.natter.chat.store.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore.NewMessage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's batching and failure rules, with the writer held at its first transaction. */
class GroupCommitWriterTest {
  private static final User ALICE = new User("alice", "Alice");

  @TempDir Path folder;
  private GatedDialect dialect;
  private Database database;
  private GroupCommitWriter writer;
  private int mids;

  @BeforeEach
  void openTheWriter() throws SQLException {
    String url = "jdbc:sqlite:" + folder.resolve("history.db");
    SqliteDialect sqlite = new SqliteDialect(Duration.ofSeconds(5));
    String epoch;
    try (Connection connection = new Database(url, null, null, sqlite).connect()) {
      epoch = Schema.migrate(connection, sqlite);
    }
    dialect = new GatedDialect(sqlite);
    database = new Database(url, null, null, dialect);
    writer = new GroupCommitWriter(database, epoch, 10_000, 1_000);
  }

  @AfterEach
  void closeTheWriter() {
    dialect.open();
    writer.close();
  }

  @Test
  void appendsThatArriveTogetherAreCommittedInOneTransaction() throws Exception {
    List<CompletableFuture<ChatMessage>> futures = new ArrayList<>();
    futures.add(writer.append(message("a", mid())));
    dialect.awaitFirstBatch();
    for (int i = 0; i < 499; i++) {
      futures.add(writer.append(message(i % 2 == 0 ? "a" : "b", mid())));
    }
    dialect.open();

    futures.forEach(CompletableFuture::join);
    assertThat(dialect.commits.get()).as("the first batch, then all that queued behind it").isEqualTo(2);
    assertThat(futures.stream().filter(f -> f.join().room().equals("a")).map(f -> f.join().seq()))
        .containsExactlyElementsOf(seqs(251));
  }

  @Test
  void aFailedAppendFailsThoseQueuedBehindItInItsRoomOnlyAndCostsNoSeq() throws Exception {
    try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO messages (room, seq, mid, from_id, from_name, text, ts_millis)"
          + " VALUES ('z', 1, 'taken', 'alice', 'Alice', 'text', 1000)");
    }
    // A message id that is already stored breaks the unique key: its batch fails in the database.
    CompletableFuture<ChatMessage> duplicate = writer.append(message("b", "taken"));
    dialect.awaitFirstBatch();
    CompletableFuture<ChatMessage> behindInB = writer.append(message("b", mid()));
    CompletableFuture<ChatMessage> otherRoom = writer.append(message("c", mid()));
    dialect.open();

    assertFails(duplicate);
    assertFails(behindInB);
    assertThat(otherRoom.join().seq()).isEqualTo(1);
    assertThat(writer.append(message("b", mid())).join().seq()).as("the failed one's seq").isEqualTo(1);
    assertThat(writer.append(message("b", mid())).join().seq()).isEqualTo(2);
    assertThat(latestSeq("b")).isEqualTo(2);
  }

  @Test
  void closeCommitsWhatWasQueuedAndFailsWhatComesAfter() throws Exception {
    CompletableFuture<ChatMessage> first = writer.append(message("a", mid()));
    dialect.awaitFirstBatch();
    CompletableFuture<ChatMessage> queued = writer.append(message("a", mid()));
    Thread closing = new Thread(writer::close);
    closing.start();
    dialect.open();
    closing.join();

    assertThat(first.join().seq()).isEqualTo(1);
    assertThat(queued.join().seq()).isEqualTo(2);
    CompletableFuture<ChatMessage> late = writer.append(message("a", mid()));
    assertThatThrownBy(late::join).cause().hasMessageContaining("closed");
    writer.close();
  }

  private long latestSeq(String room) throws SQLException {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        var rows = statement.executeQuery("SELECT latest_seq FROM rooms WHERE room = '" + room + "'")) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  private static void assertFails(CompletableFuture<ChatMessage> append) {
    assertThatThrownBy(append::join).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(ChatException.class)
        .satisfies(e -> assertThat(((ChatException) e).code()).isEqualTo(ChatStatus.Code.INTERNAL))
        .hasMessageNotContaining("INSERT").hasMessageNotContaining("UNIQUE");
  }

  private String mid() {
    return "mid-" + ++mids;
  }

  private static NewMessage message(String room, String mid) {
    return new NewMessage(room, mid, ALICE, null, "text", Instant.ofEpochMilli(1_000), null);
  }

  private static List<Long> seqs(long n) {
    List<Long> seqs = new ArrayList<>();
    for (long seq = 1; seq <= n; seq++) {
      seqs.add(seq);
    }
    return seqs;
  }
}
