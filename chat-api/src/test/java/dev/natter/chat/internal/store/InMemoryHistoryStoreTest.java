package dev.natter.chat.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.PageRequest;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryHistoryStoreTest {
  private static final User ALICE = new User("alice", "Alice");
  private static final User BOB = new User("bob", "Bob");
  private static final User CAROL = new User("carol", "Carol");

  private final HistoryStore store = HistoryStore.inMemory(5);

  @Test
  void seqStartsAtOneAndGrowsByOnePerRoom() {
    assertThat(append("general", "a").seq()).isEqualTo(1);
    assertThat(append("general", "b").seq()).isEqualTo(2);
    assertThat(append("random", "c").seq()).isEqualTo(1);
    assertThat(store.state("general").latestSeq()).isEqualTo(2);
    assertThat(store.state("never").latestSeq()).isZero();
    assertThat(store.state("never").firstSeq()).isEqualTo(1);
  }

  @Test
  void keepsOnlyTheLatestMessagesOfARoom() {
    for (int i = 1; i <= 8; i++) {
      append("general", "m" + i);
    }
    HistoryStore.LogState state = store.state("general");
    assertThat(state.firstSeq()).isEqualTo(4);
    assertThat(state.latestSeq()).isEqualTo(8);
    assertThat(seqs(store.read("general", PageRequest.latest(50)))).containsExactly(4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void pagesBackwardsAndForwards() {
    HistoryStore big = HistoryStore.inMemory(100);
    for (int i = 1; i <= 10; i++) {
      big.append(message("general", "m" + i, null)).join();
    }
    HistoryPage latest = big.read("general", PageRequest.latest(3));
    assertThat(seqs(latest)).containsExactly(8L, 9L, 10L);
    assertThat(latest.more()).isTrue();
    HistoryPage before = big.read("general", PageRequest.before(3, 5));
    assertThat(seqs(before)).containsExactly(1L, 2L);
    assertThat(before.more()).isFalse();
    HistoryPage after = big.read("general", PageRequest.after(7, 2));
    assertThat(seqs(after)).containsExactly(8L, 9L);
    assertThat(after.more()).isTrue();
    assertThat(big.read("general", PageRequest.after(10, 2)).messages()).isEmpty();
    assertThat(big.read("nowhere", PageRequest.latest(2)).messages()).isEmpty();
  }

  @Test
  void oneEpochForEveryRoomOfAStoreAndANewOneForANewStore() {
    assertThat(store.state("a").epoch()).isEqualTo(store.state("b").epoch());
    assertThat(HistoryStore.inMemory().state("a").epoch()).isNotEqualTo(store.state("a").epoch());
  }

  @Test
  void findsASendersCidWithinTheWindow() {
    ChatMessage stored = store.append(new HistoryStore.NewMessage(
        "general", "m1", ALICE, null, "hi", Instant.ofEpochMilli(1_000_000), "cid-1")).join();
    assertThat(store.findByCid("alice", "cid-1", Instant.ofEpochMilli(999_000))).contains(stored);
    assertThat(store.findByCid("alice", "cid-1", Instant.ofEpochMilli(1_000_001))).isEmpty();
    assertThat(store.findByCid("bob", "cid-1", Instant.EPOCH)).isEmpty();
  }

  @Test
  void forgetsTheCidsOfASenderWhoStoppedSendingOnceTheWindowPassed() {
    Instant t0 = Instant.ofEpochMilli(1_700_000_000_000L);
    store.append(new HistoryStore.NewMessage("general", "m1", ALICE, null, "hi", t0, "cid-1")).join();
    Instant past = t0.plus(HistoryStore.CID_WINDOW).plusSeconds(61);

    store.append(new HistoryStore.NewMessage("general", "m2", BOB, null, "later", past, "cid-2")).join();

    assertThat(store.findByCid("alice", "cid-1", Instant.EPOCH)).as("swept with Bob's append").isEmpty();
    assertThat(store.findByCid("bob", "cid-2", Instant.EPOCH)).isPresent();
  }

  @Test
  void remembersUsersAndDirectConversationsMostRecentFirst() {
    store.append(new HistoryStore.NewMessage("dm:alice:bob", "m1", ALICE, BOB, "hi", Instant.ofEpochMilli(1), null)).join();
    store.append(new HistoryStore.NewMessage("dm:alice:carol", "m2", CAROL, ALICE, "yo", Instant.ofEpochMilli(2), null)).join();
    assertThat(store.findUser("bob")).contains(BOB);
    assertThat(store.findUser("dave")).isEmpty();
    assertThat(store.directConversations("alice", 10))
        .extracting(c -> c.with().id())
        .containsExactly("carol", "bob");
    assertThat(store.directConversations("alice", 1)).hasSize(1);
    assertThat(store.directConversations("bob", 10).get(0).room()).isEqualTo("dm:alice:bob");
    assertThat(store.rooms()).as("direct rooms are not listed").isEmpty();
  }

  @Test
  void listsRoomsWithHistorySorted() {
    append("zeta", "z");
    append("alpha", "a");
    assertThat(store.rooms()).containsExactly("alpha", "zeta");
  }

  private ChatMessage append(String room, String text) {
    return store.append(message(room, text, null)).join();
  }

  private static HistoryStore.NewMessage message(String room, String text, String cid) {
    return new HistoryStore.NewMessage(room, "mid-" + text, ALICE, null, text, Instant.now(), cid);
  }

  private static java.util.List<Long> seqs(HistoryPage page) {
    return page.messages().stream().map(ChatMessage::seq).toList();
  }
}
