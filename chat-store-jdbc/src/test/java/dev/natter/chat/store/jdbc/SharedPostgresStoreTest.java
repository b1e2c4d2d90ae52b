package dev.natter.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.fail;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore.NewMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two stores in shared mode on one PostgreSQL database, as two cluster nodes: each room's {@code seq}s
 * stay 1..n without a gap or a duplicate, and a cid sent through both is stored once.
 */
class SharedPostgresStoreTest {
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();
  private static final Instant NOW = Instant.ofEpochMilli(1_700_000_000_000L);

  private final AtomicLong mids = new AtomicLong();
  private String url;
  private JdbcHistoryStore first;
  private JdbcHistoryStore second;

  @BeforeEach
  void openTwoStores() {
    url = POSTGRES.newDatabaseUrl();
    first = JdbcHistoryStore.builderForUrl(url, "postgres", null).shared(true).open();
    second = JdbcHistoryStore.builderForUrl(url, "postgres", null).shared(true).open();
  }

  @AfterEach
  void closeThem() {
    first.close();
    second.close();
  }

  @Test
  void twoStoresAppendingToTheSameRoomsNumberEachRoomOneToNWithoutAGapOrADuplicate() throws Exception {
    int threadsPerStore = 4;
    int perThread = 500;
    List<String> rooms = List.of("r0", "r1", "r2", "r3", "r4");
    List<JdbcHistoryStore> stores = List.of(first, second);
    // The contract has one room's calls to one store come one at a time: per store, threads take turns.
    Map<JdbcHistoryStore, Map<String, Object>> turns = new HashMap<>();
    for (JdbcHistoryStore store : stores) {
      Map<String, Object> perRoom = new HashMap<>();
      rooms.forEach(room -> perRoom.put(room, new Object()));
      turns.put(store, perRoom);
    }
    ExecutorService pool = Executors.newFixedThreadPool(stores.size() * threadsPerStore);
    Map<JdbcHistoryStore, List<Future<List<CompletableFuture<ChatMessage>>>>> work = new HashMap<>();
    try {
      for (JdbcHistoryStore store : stores) {
        List<Future<List<CompletableFuture<ChatMessage>>>> ofStore = new ArrayList<>();
        for (int t = 0; t < threadsPerStore; t++) {
          User user = new User("user" + stores.indexOf(store) + t, "User");
          int offset = t;
          ofStore.add(pool.submit(() -> {
            List<CompletableFuture<ChatMessage>> futures = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
              String room = rooms.get((offset + i) % rooms.size());
              synchronized (turns.get(store).get(room)) {
                futures.add(store.append(message(room, user, null)));
              }
            }
            return futures;
          }));
        }
        work.put(store, ofStore);
      }

      Set<String> roomAndSeq = new HashSet<>();
      Map<String, Integer> perRoom = new HashMap<>();
      for (JdbcHistoryStore store : stores) {
        for (Future<List<CompletableFuture<ChatMessage>>> thread : work.get(store)) {
          Map<String, Long> lastOfRoom = new HashMap<>();
          for (CompletableFuture<ChatMessage> future : thread.get(60, TimeUnit.SECONDS)) {
            ChatMessage m = future.get(60, TimeUnit.SECONDS);
            assertThat(roomAndSeq.add(m.room() + "/" + m.seq())).as("seq given once: " + m).isTrue();
            assertThat(m.seq()).as("one thread's appends to a room in its call order")
                .isGreaterThan(lastOfRoom.getOrDefault(m.room(), 0L));
            lastOfRoom.put(m.room(), m.seq());
            perRoom.merge(m.room(), 1, Integer::sum);
          }
        }
      }
      assertThat(roomAndSeq).hasSize(stores.size() * threadsPerStore * perThread);
      for (String room : rooms) {
        int n = perRoom.get(room);
        assertThat(storedSeqs(room)).as(room).containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
        assertThat(first.state(room).latestSeq()).isEqualTo(n);
        assertThat(second.state(room).latestSeq()).isEqualTo(n);
        assertThat(second.state(room).epoch()).isEqualTo(first.state(room).epoch());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCidAppendedThroughBothStoresAtOnceIsStoredOnceAndBothGetTheFirstMessage() throws Exception {
    User alice = new User("alice", "Alice");
    int rounds = 50;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < rounds; i++) {
        String cid = "cid-" + i;
        // Different rooms too: a resend may come through another node, and the claim is the sender's.
        NewMessage viaFirst = message("general", alice, cid);
        NewMessage viaSecond = message(i % 2 == 0 ? "general" : "other", alice, cid);
        CyclicBarrier together = new CyclicBarrier(2);
        Future<CompletableFuture<ChatMessage>> a = pool.submit(() -> {
          together.await();
          return first.append(viaFirst);
        });
        Future<CompletableFuture<ChatMessage>> b = pool.submit(() -> {
          together.await();
          return second.append(viaSecond);
        });
        ChatMessage fromFirst = a.get().get(30, TimeUnit.SECONDS);
        ChatMessage fromSecond = b.get().get(30, TimeUnit.SECONDS);

        assertThat(fromSecond).as(cid).isEqualTo(fromFirst);
        assertThat(fromFirst.mid()).isIn(viaFirst.mid(), viaSecond.mid());
        assertThat(count("SELECT COUNT(*) FROM messages WHERE cid = '" + cid + "'")).isEqualTo(1);
      }
      assertThat(storedSeqs("general")).as("no seq taken by a duplicate")
          .containsExactlyElementsOf(LongStream.rangeClosed(1, storedSeqs("general").size()).boxed().toList());
      assertThat(storedSeqs("general").size() + storedSeqs("other").size()).isEqualTo(rounds);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRepeatedCidInOneStoreCompletesWithTheFirstAndAnExpiredOneIsStoredAgain() {
    User bob = new User("bob", "Bob");
    CompletableFuture<ChatMessage> original = first.append(message("general", bob, "again"));
    CompletableFuture<ChatMessage> repeat = first.append(message("general", bob, "again"));
    repeat.join(); // before the later message takes the claim over
    ChatMessage later = second.append(new NewMessage("general", "late-" + mids.incrementAndGet(), bob, null,
        "eleven minutes later", NOW.plusSeconds(11 * 60), "again")).join();

    assertThat(repeat.join()).isEqualTo(original.join());
    assertThat(original.join().seq()).isEqualTo(1);
    assertThat(later.seq()).as("past the window the cid is the sender's to reuse").isEqualTo(2);
    assertThat(first.append(message("general", bob, null)).join().seq()).isEqualTo(3);
  }

  @Test
  void eachStoresLatestSeqsAreWhatBothCommitted() {
    User alice = new User("alice", "Alice");
    first.append(message("general", alice, null)).join();
    second.append(message("general", alice, null)).join();
    second.append(message("other", alice, null)).join();

    List<String> rooms = List.of("general", "other", "none");
    assertThat(first.latestSeqs(rooms)).containsOnly(entry("general", 2L), entry("other", 1L), entry("none", 0L));
    assertThat(second.latestSeqs(rooms)).isEqualTo(first.latestSeqs(rooms));
  }

  @Test
  void aBatchWaitingOnARowAStuckPeerHoldsFailsWithInternalAndTheRoomGoesOnAfter() throws Exception {
    User alice = new User("alice", "Alice");
    assertThat(first.append(message("general", alice, null)).join().seq()).isEqualTo(1);
    try (Connection peer = DriverManager.getConnection(url, "postgres", "")) {
      peer.setAutoCommit(false);
      try (Statement statement = peer.createStatement()) {
        statement.execute("SELECT latest_seq FROM rooms WHERE room = 'general' FOR UPDATE");
      }
      long started = System.nanoTime();
      CompletableFuture<ChatMessage> blocked = second.append(message("general", alice, null));

      assertThatThrownBy(() -> blocked.get(30, TimeUnit.SECONDS))
          .cause().isInstanceOf(ChatException.class)
          .satisfies(e -> assertThat(((ChatException) e).code()).isEqualTo(ChatStatus.Code.INTERNAL));
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(1_500L, 15_000L);
      assertThat(second.append(message("other", alice, null)).join().seq()).as("other rooms go on").isEqualTo(1);
      peer.rollback();
    }
    assertThat(second.append(message("general", alice, null)).join().seq()).as("no seq lost").isEqualTo(2);
    assertThat(storedSeqs("general")).containsExactly(1L, 2L);
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aWriterKilledMidBatchLosesNothingItAcknowledgedAndTheOtherStoreGoesOnWithoutAGap() throws Exception {
    Path errors = Files.createTempFile("natter-child", ".err");
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashingAppender.class.getName(), url)
        .redirectError(errors.toFile())
        .start();
    Map<String, String> acked = new HashMap<>(); // room/seq -> mid, of both writers
    AtomicBoolean stop = new AtomicBoolean();
    List<CompletableFuture<ChatMessage>> ours = new ArrayList<>();
    User parent = new User("parent", "Parent");
    // This store appends to the child's rooms meanwhile, one thread, so its calls are in order.
    Thread appender = new Thread(() -> {
      Semaphore window = new Semaphore(200);
      for (int i = 0; !stop.get(); i++) {
        window.acquireUninterruptibly();
        CompletableFuture<ChatMessage> f = first.append(message("room" + (i % 2), parent, "p-" + i));
        f.whenComplete((m, e) -> window.release());
        synchronized (ours) {
          ours.add(f);
        }
      }
    });
    int acks = 0;
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      appender.start();
      while (acks < 2_000) {
        String line = lines.readLine();
        if (line == null) {
          fail("the child ended after " + acks + " acks:\n" + Files.readString(errors));
        }
        String[] ack = line.split(" ");
        acked.put(ack[1] + "/" + ack[2], ack[3]);
        acks++;
      }
      assertThat(child.isAlive()).as("killed while appending").isTrue();
    } finally {
      child.destroyForcibly(); // SIGKILL, mid-batch: PostgreSQL rolls its transaction back
      child.waitFor();
      Thread.sleep(200); // this store goes on appending after the kill
      stop.set(true);
      appender.join();
      Files.deleteIfExists(errors);
    }

    int failed = 0;
    synchronized (ours) {
      for (CompletableFuture<ChatMessage> f : ours) {
        try {
          ChatMessage m = f.get(30, TimeUnit.SECONDS);
          acked.put(m.room() + "/" + m.seq(), m.mid());
        } catch (ExecutionException e) {
          failed++; // allowed (a lock waited past 2 s): nothing stored, checked below
        }
      }
    }
    assertThat(failed).as("appends of this store that failed").isLessThan(ours.size());
    Set<String> mids = new HashSet<>();
    for (String room : List.of("room0", "room1")) {
      Map<String, String> stored = new HashMap<>();
      List<Long> seqs = new ArrayList<>();
      try (Connection connection = DriverManager.getConnection(url, "postgres", "");
          PreparedStatement select = connection.prepareStatement(
              "SELECT seq, mid FROM messages WHERE room = ? ORDER BY seq")) {
        select.setString(1, room);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            seqs.add(rows.getLong(1));
            stored.put(room + "/" + rows.getLong(1), rows.getString(2));
            assertThat(mids.add(rows.getString(2))).as("stored once").isTrue();
          }
        }
      }
      assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, seqs.size()).boxed().toList());
      acked.forEach((key, mid) -> {
        if (key.startsWith(room + "/")) {
          assertThat(stored).containsEntry(key, mid);
        }
      });
      assertThat(second.append(message(room, parent, null)).join().seq()).isEqualTo(seqs.size() + 1L);
    }
  }

  @Test
  void aFailedAppendIsNotStoredAndItsFutureFails() {
    // A mid stored already breaks the unique key: the batch rolls back, counter included.
    User alice = new User("alice", "Alice");
    ChatMessage stored = first.append(message("general", alice, null)).join();
    CompletableFuture<ChatMessage> clash = second.append(
        new NewMessage("general", stored.mid(), alice, null, "clash", NOW, null));
    assertThatThrownBy(clash::join).isInstanceOf(CompletionException.class);
    assertThat(second.append(message("general", alice, null)).join().seq()).isEqualTo(2);
    assertThat(first.state("general").latestSeq()).isEqualTo(2);
  }

  private NewMessage message(String room, User from, String cid) {
    return new NewMessage(room, "m" + mids.incrementAndGet(), from, null, "text", NOW, cid);
  }

  private List<Long> storedSeqs(String room) throws SQLException {
    List<Long> seqs = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        PreparedStatement select = connection.prepareStatement("SELECT seq FROM messages WHERE room = ? ORDER BY seq")) {
      select.setString(1, room);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          seqs.add(rows.getLong(1));
        }
      }
    }
    return seqs;
  }

  private long count(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
