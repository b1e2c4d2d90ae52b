package dev.natter.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.PageRequest;
import dev.natter.chat.Rooms;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.HistoryStore.NewMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link HistoryStore} does, written once and run against each store: the in-memory
 * reference (which proves the contract is the reference's), SQLite and PostgreSQL. A subclass says how
 * to open a store on its test's database.
 */
abstract class HistoryStoreContract {
  static final User ALICE = new User("alice", "Alice");
  static final User BOB = new User("bob", "Bob");
  static final User CAROL = new User("carol", "Carol");
  /** A fixed time for the messages whose ts a test chooses. */
  static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);
  private static final String NOT_SHARED = "a store that is not shared may store a repeated cid";

  private final AtomicLong mids = new AtomicLong();
  private final List<HistoryStore> opened = new ArrayList<>();
  protected HistoryStore store;

  /**
   * Opens a store on this test's database: empty at the first call of a test, the same database at the
   * next calls (for a durable store).
   */
  protected abstract HistoryStore openStore();

  /** Whether the store, as this test opens it, is {@linkplain HistoryStore#isShared() shared}. */
  protected abstract boolean expectsShared();

  /** Whether a store opened again on the same database finds what the first one stored. */
  protected boolean isDurable() {
    return true;
  }

  /** Whether {@link HistoryStore#close()} ends appends (the in-memory store stays usable, by design). */
  protected boolean closeEndsAppends() {
    return true;
  }

  /** The store's accounts, or {@code null} for a store that keeps none (the in-memory reference). */
  protected JdbcAccounts accounts(HistoryStore store) {
    return store instanceof JdbcHistoryStore jdbc ? jdbc.accounts() : null;
  }

  /**
   * Runs statements directly on this test's database, with no store open, as an older Natter or an
   * administrator would; {@code false} when the store has no database to run them on.
   */
  protected boolean executeSql(String... statements) throws Exception {
    return false;
  }

  @BeforeEach
  void openTheStore() {
    store = open();
  }

  @AfterEach
  void closeEveryStore() {
    opened.forEach(HistoryStore::close);
  }

  @Test
  void seqStartsAtOneAndRunsWithoutAGapPerRoom() {
    List<CompletableFuture<ChatMessage>> general = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      general.add(store.append(message("general", ALICE, "m" + i)));
    }
    ChatMessage random = store.append(message("random", BOB, "r")).join();

    assertThat(general).extracting(f -> f.join().seq()).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(random.seq()).isEqualTo(1);
    HistoryStore.LogState state = store.state("general");
    assertThat(state.latestSeq()).isEqualTo(5);
    assertThat(state.firstSeq()).isEqualTo(1);
  }

  @Test
  void aRoomNeverWrittenToHasLatestSeqZeroAndAStableEpoch() {
    HistoryStore.LogState never = store.state("never");
    assertThat(never.latestSeq()).isZero();
    assertThat(never.firstSeq()).isEqualTo(1);
    assertThat(never.epoch()).isNotBlank();
    assertThat(store.state("never").epoch()).isEqualTo(never.epoch());
    assertThat(store.read("never", PageRequest.latest(10)).epoch()).isEqualTo(never.epoch());

    store.append(message("never", ALICE, "first")).join();

    assertThat(store.state("never").epoch()).as("the epoch a client saw before the first message")
        .isEqualTo(never.epoch());
  }

  @Test
  void futuresOfOneRoomCompleteInCallOrder() {
    List<Long> completed = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<ChatMessage>> futures = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      futures.add(store.append(message("general", ALICE, "m" + i)).whenComplete((m, e) -> completed.add(m.seq())));
    }
    futures.forEach(CompletableFuture::join);

    List<Long> expected = new ArrayList<>();
    for (long seq = 1; seq <= 300; seq++) {
      expected.add(seq);
    }
    assertThat(completed).containsExactlyElementsOf(expected);
  }

  @Test
  void aStoredMessageReadsBackAsItWasAppended() {
    NewMessage direct = new NewMessage("dm:alice:bob", nextMid(), ALICE, BOB,
        "h\u00e9llo \ud83d\ude00 'quoted' \"double\" \\ back", Instant.ofEpochMilli(1_700_000_000_123L), "cid-7");
    ChatMessage stored = store.append(direct).join();

    assertThat(stored).isEqualTo(direct.withSeq(1));
    assertThat(store.read("dm:alice:bob", PageRequest.latest(5)).messages()).containsExactly(stored);
    ChatMessage plain = store.append(message("general", CAROL, "plain")).join();
    assertThat(store.read("general", PageRequest.latest(5)).messages()).containsExactly(plain);
  }

  @Test
  void theLatestPageHoldsTheNewestMessagesOldestFirst() {
    appendTen("general");

    HistoryPage latest = store.read("general", PageRequest.latest(3));
    assertThat(seqs(latest)).containsExactly(8L, 9L, 10L);
    assertThat(latest.more()).isTrue();
    assertThat(latest.epoch()).isEqualTo(store.state("general").epoch());
    assertThat(latest.room()).isEqualTo("general");

    HistoryPage all = store.read("general", PageRequest.latest(10));
    assertThat(seqs(all)).hasSize(10).startsWith(1L).endsWith(10L);
    assertThat(all.more()).isFalse();
    assertThat(store.read("general", PageRequest.latest(50)).more()).isFalse();
  }

  @Test
  void pagesBackwardsSayWhetherOlderMessagesRemain() {
    appendTen("general");

    HistoryPage middle = store.read("general", PageRequest.before(8, 3));
    assertThat(seqs(middle)).containsExactly(5L, 6L, 7L);
    assertThat(middle.more()).isTrue();
    HistoryPage oldest = store.read("general", PageRequest.before(3, 5));
    assertThat(seqs(oldest)).containsExactly(1L, 2L);
    assertThat(oldest.more()).isFalse();
    HistoryPage exact = store.read("general", PageRequest.before(4, 3));
    assertThat(seqs(exact)).containsExactly(1L, 2L, 3L);
    assertThat(exact.more()).isFalse();
    assertThat(store.read("general", PageRequest.before(1, 5)).messages()).isEmpty();
    assertThat(seqs(store.read("general", PageRequest.before(99, 2)))).containsExactly(9L, 10L);
  }

  @Test
  void pagesForwardsSayWhetherNewerMessagesRemain() {
    appendTen("general");

    HistoryPage next = store.read("general", PageRequest.after(7, 2));
    assertThat(seqs(next)).containsExactly(8L, 9L);
    assertThat(next.more()).isTrue();
    HistoryPage last = store.read("general", PageRequest.after(8, 2));
    assertThat(seqs(last)).containsExactly(9L, 10L);
    assertThat(last.more()).isFalse();
    HistoryPage first = store.read("general", PageRequest.after(0, 3));
    assertThat(seqs(first)).containsExactly(1L, 2L, 3L);
    assertThat(first.more()).isTrue();
    HistoryPage none = store.read("general", PageRequest.after(10, 2));
    assertThat(none.messages()).isEmpty();
    assertThat(none.more()).isFalse();
  }

  @Test
  void aRoomNeverWrittenToReadsAsAnEmptyPage() {
    appendTen("general");

    for (PageRequest request : List.of(PageRequest.latest(5), PageRequest.before(5, 5), PageRequest.after(0, 5))) {
      HistoryPage page = store.read("nowhere", request);
      assertThat(page.messages()).isEmpty();
      assertThat(page.more()).isFalse();
      assertThat(page.room()).isEqualTo("nowhere");
    }
  }

  @Test
  void findsTheNewestMessageOfASendersCidWithinTheWindow() {
    ChatMessage early = store.append(new NewMessage(
        "general", nextMid(), ALICE, null, "first", Instant.ofEpochMilli(1_000_000), "cid-1")).join();

    assertThat(store.findByCid("alice", "cid-1", Instant.ofEpochMilli(999_000))).contains(early);
    assertThat(store.findByCid("alice", "cid-1", Instant.ofEpochMilli(1_000_000))).contains(early);
    assertThat(store.findByCid("alice", "cid-1", Instant.ofEpochMilli(1_000_001))).isEmpty();
    assertThat(store.findByCid("bob", "cid-1", Instant.EPOCH)).as("a cid is the sender's own").isEmpty();
    assertThat(store.findByCid("alice", "cid-2", Instant.EPOCH)).isEmpty();

    // Reused after the window, in another room: the newest one is the answer.
    ChatMessage reused = store.append(new NewMessage(
        "random", nextMid(), ALICE, null, "again", Instant.ofEpochMilli(2_000_000), "cid-1")).join();
    assertThat(store.findByCid("alice", "cid-1", Instant.ofEpochMilli(1_500_000))).contains(reused);
    assertThat(store.findByCid("alice", "cid-1", Instant.EPOCH)).contains(reused);
  }

  @Test
  void latestSeqsGivesEachNamedRoomsLatestSeqOncePerDistinctName() {
    appendTen("general");
    store.append(message("random", BOB, "r")).join();
    store.append(direct(ALICE, BOB, 1)).join();

    Map<String, Long> latest = store.latestSeqs(
        List.of("general", "never", "random", "general", "dm:alice:bob", "never"));

    assertThat(latest).containsOnly(
        entry("general", 10L), entry("never", 0L), entry("random", 1L), entry("dm:alice:bob", 1L));
  }

  @Test
  void latestSeqsOfManyRoomsAtOnce() {
    List<String> rooms = new ArrayList<>();
    for (int i = 0; i < 1_201; i++) {
      rooms.add("room" + i);
    }
    // Written rooms at both ends and in the middle of the list, past any chunk a store may cut it in.
    for (String room : List.of("room0", "room600", "room1200")) {
      store.append(message(room, ALICE, "a")).join();
    }
    store.append(message("room1200", ALICE, "b")).join();

    Map<String, Long> latest = store.latestSeqs(rooms);

    assertThat(latest).hasSize(1_201)
        .contains(entry("room0", 1L), entry("room600", 1L), entry("room1200", 2L), entry("room1", 0L));
    assertThat(latest.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4);
  }

  @Test
  void latestSeqsOfNoRoomIsEmptyWithoutAskingTheDatabase() {
    assertThat(store.latestSeqs(List.of())).isEmpty();
    store.close();

    assertThat(store.latestSeqs(List.of())).as("even once closed").isEmpty();
  }

  @Test
  void latestSeqsTakesNamesAsStateDoes() {
    assertThatThrownBy(() -> store.state(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.latestSeqs(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.latestSeqs(Arrays.asList("general", null)))
        .isInstanceOf(NullPointerException.class);
    // A name no room can have is a room never written to, for state and latestSeqs alike.
    String notARoom = "not a room's name!";
    assertThat(store.latestSeqs(List.of(notARoom))).containsOnly(entry(notARoom, store.state(notARoom).latestSeq()));
  }

  @Test
  void declaresWhetherSeveralServersMayAppendToIt() {
    assertThat(store.isShared()).isEqualTo(expectsShared());
  }

  @Test
  void aRepeatedCidStoresNothingAndCompletesWithTheFirstMessage() {
    assumeTrue(expectsShared(), NOT_SHARED);
    ChatMessage first = store.append(withCid("general", ALICE, "c1", T0)).join();

    ChatMessage again = store.append(withCid("general", ALICE, "c1", T0.plusSeconds(5))).join();
    ChatMessage elsewhere = store.append(withCid("random", ALICE, "c1", T0.plusSeconds(6))).join();

    assertThat(again).isEqualTo(first);
    assertThat(again.seq()).isEqualTo(1);
    assertThat(elsewhere).as("a repeat in another room").isEqualTo(first);
    assertThat(readAll(store, "general")).containsExactly(first);
    assertThat(store.state("random").latestSeq()).isZero();
    assertThat(store.append(message("general", ALICE, "next")).join().seq()).as("no seq taken by a repeat")
        .isEqualTo(2);
  }

  @Test
  void ofConcurrentAppendsOfOneCidOneIsStoredAndEveryOneCompletesWithIt() throws Exception {
    assumeTrue(expectsShared(), NOT_SHARED);
    int threads = 8;
    int rounds = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int r = 0; r < rounds; r++) {
        String cid = "race-" + r;
        CyclicBarrier together = new CyclicBarrier(threads);
        List<Future<CompletableFuture<ChatMessage>>> appends = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          // Two rooms: a resend may come through another room, and the cid is the sender's.
          NewMessage attempt = withCid(t % 2 == 0 ? "general" : "random", ALICE, cid, T0.plusSeconds(r));
          appends.add(pool.submit(() -> {
            together.await();
            return store.append(attempt);
          }));
        }
        Set<ChatMessage> outcomes = new HashSet<>();
        for (Future<CompletableFuture<ChatMessage>> append : appends) {
          outcomes.add(append.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS));
        }
        assertThat(outcomes).as(cid).hasSize(1);
      }

      List<ChatMessage> general = readAll(store, "general");
      List<ChatMessage> random = readAll(store, "random");
      assertThat(general.size() + random.size()).isEqualTo(rounds);
      assertThat(general).extracting(ChatMessage::seq).containsExactlyElementsOf(oneTo(general.size()));
      assertThat(random).extracting(ChatMessage::seq).containsExactlyElementsOf(oneTo(random.size()));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCidRepeatedPastTheWindowIsStoredAgain() {
    assumeTrue(expectsShared(), NOT_SHARED);
    ChatMessage first = store.append(withCid("general", ALICE, "c1", T0)).join();
    Instant past = T0.plus(HistoryStore.CID_WINDOW).plusSeconds(1);

    ChatMessage reused = store.append(withCid("general", ALICE, "c1", past)).join();
    ChatMessage repeat = store.append(withCid("general", ALICE, "c1", past.plusSeconds(1))).join();

    assertThat(reused.seq()).isEqualTo(2);
    assertThat(repeat).as("the new message is the one repeats get now").isEqualTo(reused);
    assertThat(readAll(store, "general")).containsExactly(first, reused);
  }

  @Test
  void anotherSendersSameCidIsStoredAsTheirOwn() {
    assumeTrue(expectsShared(), NOT_SHARED);
    ChatMessage alices = store.append(withCid("general", ALICE, "c1", T0)).join();

    ChatMessage bobs = store.append(withCid("general", BOB, "c1", T0.plusSeconds(1))).join();

    assertThat(bobs.from()).isEqualTo(BOB);
    assertThat(bobs.seq()).isEqualTo(2);
    assertThat(readAll(store, "general")).containsExactly(alices, bobs);
  }

  @Test
  void remembersEveryUserWhoSentOrReceivedUnderTheirLatestName() {
    store.append(direct(ALICE, BOB, 1)).join();
    assertThat(store.findUser("alice")).contains(ALICE);
    assertThat(store.findUser("bob")).as("a recipient is known too").contains(BOB);
    assertThat(store.findUser("dave")).isEmpty();

    User renamed = new User("alice", "Ally");
    store.append(message("general", renamed, "new name")).join();
    assertThat(store.findUser("alice")).contains(renamed);
  }

  @Test
  void listsAUsersDirectConversationsMostRecentFirst() {
    store.append(direct(ALICE, BOB, 1)).join();
    store.append(direct(BOB, ALICE, 2)).join();
    store.append(direct(CAROL, ALICE, 3)).join();

    List<DirectConversation> alices = store.directConversations("alice", 10);
    assertThat(alices).extracting(c -> c.with().id()).containsExactly("carol", "bob");
    assertThat(alices).extracting(DirectConversation::room).containsExactly("dm:alice:carol", "dm:alice:bob");
    assertThat(alices.get(1).seq()).isEqualTo(2);
    assertThat(alices.get(1).epoch()).isEqualTo(store.state("dm:alice:bob").epoch());
    assertThat(alices.get(0).with()).isEqualTo(CAROL);
    assertThat(store.directConversations("alice", 1)).extracting(DirectConversation::room)
        .containsExactly("dm:alice:carol");
    assertThat(store.directConversations("bob", 10)).extracting(c -> c.with().id()).containsExactly("alice");
    assertThat(store.directConversations("dave", 10)).isEmpty();

    store.append(direct(ALICE, BOB, 4)).join();
    assertThat(store.directConversations("alice", 10)).extracting(DirectConversation::room)
        .containsExactly("dm:alice:bob", "dm:alice:carol");
  }

  @Test
  void listsTheRoomsWithHistorySortedWithoutDirectRooms() {
    assertThat(store.rooms()).isEmpty();
    store.append(message("zeta", ALICE, "z")).join();
    store.append(message("alpha", ALICE, "a")).join();
    store.append(message("Beta", ALICE, "b")).join();
    store.append(direct(ALICE, BOB, 1)).join();

    assertThat(store.rooms()).containsExactly("Beta", "alpha", "zeta");
  }

  @Test
  void everyRoomsSeqRunsFromOneWithoutAGapUnderConcurrentAppends() throws Exception {
    int threads = 8;
    int perThread = 250;
    List<String> rooms = List.of("r0", "r1", "r2", "r3");
    // Two threads per room; the contract has one room's calls come one at a time, so they take turns.
    Map<String, Object> turns = new HashMap<>();
    rooms.forEach(room -> turns.put(room, new Object()));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<CompletableFuture<ChatMessage>>>> work = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        String room = rooms.get(t % rooms.size());
        User user = new User("user" + t, "User" + t);
        work.add(pool.submit(() -> {
          List<CompletableFuture<ChatMessage>> futures = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            synchronized (turns.get(room)) {
              futures.add(store.append(message(room, user, "m" + i)));
            }
          }
          return futures;
        }));
      }
      List<ChatMessage> acknowledged = new ArrayList<>();
      for (Future<List<CompletableFuture<ChatMessage>>> w : work) {
        w.get().forEach(f -> acknowledged.add(f.join()));
      }

      int perRoom = threads / rooms.size() * perThread;
      for (String room : rooms) {
        List<ChatMessage> log = readAll(store, room);
        assertThat(log).extracting(ChatMessage::seq).containsExactlyElementsOf(oneTo(perRoom));
        assertThat(store.state(room).latestSeq()).isEqualTo(perRoom);
        assertThat(log).containsAll(acknowledged.stream().filter(m -> m.room().equals(room)).toList());
      }
      Set<String> distinctMids = new HashSet<>();
      acknowledged.forEach(m -> distinctMids.add(m.mid()));
      assertThat(distinctMids).hasSize(threads * perThread);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aClosedStoreFailsAppendsAndCloseIsIdempotent() {
    assumeTrue(closeEndsAppends(), "this store stays usable after close, by design");
    store.append(message("general", ALICE, "before")).join();
    store.close();
    store.close();

    CompletableFuture<ChatMessage> after = store.append(message("general", ALICE, "after"));

    assertThatThrownBy(after::join).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(ChatException.class)
        .satisfies(e -> assertThat(((ChatException) e).code()).isEqualTo(ChatStatus.Code.INTERNAL));
    assertThatThrownBy(() -> store.read("general", PageRequest.latest(5)))
        .isInstanceOf(ChatException.class)
        .satisfies(e -> assertThat(((ChatException) e).code()).isEqualTo(ChatStatus.Code.INTERNAL));
  }

  @Test
  void bansAreKeptPerRoomAndUserAndCanBeLifted() {
    store.setBanned("general", "bob", true);
    store.setBanned("general", "bob", true); // twice is once

    assertThat(store.isBanned("general", "bob")).isTrue();
    assertThat(store.isBanned("general", "alice")).isFalse();
    assertThat(store.isBanned("random", "bob")).isFalse();
    store.setBanned("general", "bob", false);
    assertThat(store.isBanned("general", "bob")).isFalse();
    store.setBanned("general", "carol", false); // lifting no ban changes nothing
    assertThat(store.isBanned("general", "carol")).isFalse();
  }

  @Test
  void aBanOutlivesAReopen() {
    assumeTrue(isDurable(), "this store keeps nothing beyond its own life");
    store.setBanned("general", "bob", true);
    store.close();

    assertThat(open().isBanned("general", "bob")).isTrue();
  }

  @Test
  void aStoreOpenedAgainFindsEverythingAndContinuesTheSeq() {
    assumeTrue(isDurable(), "this store keeps nothing beyond its own life");
    appendTen("general");
    ChatMessage withCid = store.append(new NewMessage(
        "general", nextMid(), ALICE, null, "idempotent", Instant.ofEpochMilli(5_000_000), "cid-9")).join();
    store.append(direct(ALICE, BOB, 1)).join();
    String epoch = store.state("general").epoch();
    String neverEpoch = store.state("never").epoch();
    List<ChatMessage> before = readAll(store, "general");
    store.close();

    HistoryStore reopened = open();

    assertThat(reopened.state("general").epoch()).isEqualTo(epoch);
    assertThat(reopened.state("never").epoch()).isEqualTo(neverEpoch);
    assertThat(reopened.state("general").latestSeq()).isEqualTo(11);
    assertThat(readAll(reopened, "general")).isEqualTo(before);
    assertThat(reopened.findByCid("alice", "cid-9", Instant.ofEpochMilli(4_000_000))).contains(withCid);
    assertThat(reopened.findUser("bob")).contains(BOB);
    assertThat(reopened.directConversations("bob", 5)).extracting(DirectConversation::room)
        .containsExactly("dm:alice:bob");
    assertThat(reopened.rooms()).containsExactly("general");
    assertThat(reopened.append(message("general", ALICE, "after restart")).join().seq()).isEqualTo(12);
  }

  @Test
  void anAccountIsFoundByItsExactIdAsItWasCreated() {
    JdbcAccounts accounts = accountsOrSkip();
    Account zoe = new Account(new User("zo\u00eb", "Zo\u00eb"), "pbkdf2-sha256$1000$c2FsdA$aGFzaA",
        Instant.ofEpochMilli(1_700_000_000_123L));

    assertThat(accounts.create(zoe)).isTrue();

    assertThat(accounts.find("zo\u00eb")).contains(zoe);
    assertThat(accounts.find("Zo\u00eb")).as("ids are compared exactly").isEmpty();
    assertThat(accounts.find("zoe")).isEmpty();
    assertThat(accounts.find("nobody")).isEmpty();
  }

  @Test
  void aTakenIdIsRefusedAndTheFirstAccountIsKept() {
    JdbcAccounts accounts = accountsOrSkip();
    Account first = account("alice", "Alice", "hash-1");
    assertThat(accounts.create(first)).isTrue();

    assertThat(accounts.create(account("alice", "ALICE", "hash-2"))).isFalse();

    assertThat(accounts.find("alice")).contains(first);
    assertThat(accounts.create(account("bob", "Bob", "hash-3"))).as("other ids are free").isTrue();
  }

  @Test
  void ofConcurrentCreationsOfOneIdExactlyOneSucceeds() throws Exception {
    JdbcAccounts accounts = accountsOrSkip();
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Boolean>> attempts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Account attempt = account("carol", "Carol", "hash-of-" + t);
        attempts.add(pool.submit(() -> {
          start.await();
          return accounts.create(attempt);
        }));
      }
      start.countDown();
      List<Integer> winners = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        if (attempts.get(t).get()) {
          winners.add(t);
        }
      }

      assertThat(winners).hasSize(1);
      assertThat(accounts.find("carol")).map(Account::passwordHash).contains("hash-of-" + winners.get(0));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anAccountOutlivesAReopen() {
    assumeTrue(isDurable(), "this store keeps nothing beyond its own life");
    JdbcAccounts accounts = accountsOrSkip();
    Account alice = account("alice", "Alice", "pbkdf2-sha256$600000$c2FsdA$aGFzaA");
    accounts.create(alice);
    store.close();

    JdbcAccounts reopened = accounts(open());
    assertThat(reopened.find("alice")).contains(alice);
    assertThat(reopened.create(account("alice", "Alice", "again"))).isFalse();
  }

  @Test
  void accountsOfAClosedStoreFailWithInternalNamingNoHash() {
    JdbcAccounts accounts = accountsOrSkip();
    store.close();

    for (Runnable call : List.<Runnable>of(
        () -> accounts.find("alice"),
        () -> accounts.create(account("alice", "Alice", "secret-hash")))) {
      assertThatThrownBy(call::run)
          .isInstanceOf(ChatException.class)
          .hasMessageNotContaining("secret-hash")
          .satisfies(e -> assertThat(((ChatException) e).code()).isEqualTo(ChatStatus.Code.INTERNAL));
    }
  }

  @Test
  void aVersionTwoDatabaseIsMigratedToAccountsAndKeepsItsHistoryAndBans() throws Exception {
    assumeTrue(isDurable(), "this store keeps nothing beyond its own life");
    ChatMessage kept = store.append(message("general", ALICE, "from version 2")).join();
    store.setBanned("general", "bob", true);
    String epoch = store.state("general").epoch();
    store.close();
    // Take the database back to version 2, as the Natter before accounts left it.
    assumeTrue(executeSql("DROP TABLE accounts", "DROP TABLE cids", "DELETE FROM schema_version WHERE version > 2"),
        "no direct access to this store's database");

    HistoryStore migrated = open();

    assertThat(readAll(migrated, "general")).containsExactly(kept);
    assertThat(migrated.state("general").epoch()).isEqualTo(epoch);
    assertThat(migrated.isBanned("general", "bob")).isTrue();
    JdbcAccounts accounts = accounts(migrated);
    Account alice = account("alice", "Alice", "hash");
    assertThat(accounts.create(alice)).isTrue();
    assertThat(accounts.find("alice")).contains(alice);
    assertThat(migrated.append(message("general", ALICE, "after")).join().seq()).isEqualTo(2);
  }

  // ---- helpers for subclasses and tests ----

  private JdbcAccounts accountsOrSkip() {
    JdbcAccounts accounts = accounts(store);
    assumeTrue(accounts != null, "this store keeps no accounts");
    return accounts;
  }

  protected static Account account(String id, String name, String hash) {
    return new Account(new User(id, name), hash, Instant.ofEpochMilli(1_700_000_000_000L));
  }

  /** Opens a store and closes it after the test. */
  protected final HistoryStore open() {
    HistoryStore opened = openStore();
    this.opened.add(opened);
    return opened;
  }

  protected final NewMessage message(String room, User from, String text) {
    return new NewMessage(room, nextMid(), from, null, text, Instant.ofEpochMilli(System.currentTimeMillis()), null);
  }

  /** A message with a cid and a chosen ts; its text names its mid, so each attempt differs. */
  protected final NewMessage withCid(String room, User from, String cid, Instant ts) {
    String mid = nextMid();
    return new NewMessage(room, mid, from, null, "attempt " + mid, ts, cid);
  }

  protected final NewMessage direct(User from, User to, long tsMillis) {
    String room = Rooms.direct(from.id(), to.id());
    return new NewMessage(room, nextMid(), from, to, "to " + to.name(), Instant.ofEpochMilli(tsMillis), null);
  }

  protected final String nextMid() {
    return String.format("mid-%08d", mids.incrementAndGet());
  }

  private void appendTen(String room) {
    List<CompletableFuture<ChatMessage>> futures = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      futures.add(store.append(message(room, ALICE, "m" + i)));
    }
    futures.forEach(CompletableFuture::join);
  }

  /** A room's whole log, paging forwards. */
  static List<ChatMessage> readAll(HistoryStore store, String room) {
    List<ChatMessage> all = new ArrayList<>();
    HistoryPage page;
    do {
      page = store.read(room, PageRequest.after(all.isEmpty() ? 0 : all.get(all.size() - 1).seq(), 500));
      all.addAll(page.messages());
    } while (page.more());
    return all;
  }

  static List<Long> seqs(HistoryPage page) {
    return page.messages().stream().map(ChatMessage::seq).toList();
  }

  static List<Long> oneTo(long n) {
    List<Long> seqs = new ArrayList<>();
    for (long seq = 1; seq <= n; seq++) {
      seqs.add(seq);
    }
    return seqs;
  }
}
