package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.PageRequest;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.tck.ForwardingStore;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The sequencer alone: messages offered out of order, twice, or not at all (another server's, as the
 * cluster bus will bring them) reach the room's connections in {@code seq} order, each once; a hole is
 * read from the store once the gap-fill delay passed. The delay is the test's: an armed fill runs when
 * the test says so, on the test's thread.
 */
class RoomSequencerTest {
  private static final User ALICE = new User("alice", "alice");
  private static final String ROOM = "general";

  /** What happened, in order: "deliver n" by the fan-out, and the callers' "answer ..." actions. */
  private final List<String> log = new ArrayList<>();
  private final List<ChatMessage> delivered = new ArrayList<>();
  private final Deque<Runnable> armed = new ArrayDeque<>();
  private ReadStore store = new ReadStore(HistoryStore.inMemory());
  private Room room;
  private RoomSequencer sequencer;

  @Test
  void messagesOfferedOutOfOrderAreDeliveredInSeqOrderEachOnce() {
    List<ChatMessage> messages = stored(5);
    open(0);

    sequencer.offer(messages.get(2));
    sequencer.offer(messages.get(4));
    sequencer.offer(messages.get(1));
    assertThat(delivered).as("all wait for #1").isEmpty();
    assertThat(sequencer.heldCount()).isEqualTo(3);
    assertThat(armed).as("one fill armed for the hole, however many are held").hasSize(1);

    sequencer.offer(messages.get(0));
    assertThat(deliveredSeqs()).containsExactly(1L, 2L, 3L);
    sequencer.offer(messages.get(3));

    assertThat(delivered).containsExactlyElementsOf(messages);
    assertThat(room.deliveredSeq).isEqualTo(5);
    assertThat(sequencer.heldCount()).isZero();
    assertThat(sequencer.duplicatesDropped()).isZero();
    delayPasses();
    assertThat(store.reads).as("the hole closed before the delay: nothing to read").isEmpty();
    assertThat(sequencer.fillsDone()).isZero();
    assertThat(armed).isEmpty();
  }

  @Test
  void duplicatesAtOrBelowTheDeliveredSeqAndHeldOnesOfferedTwiceAreDroppedAndCounted() {
    List<ChatMessage> messages = stored(8);
    open(5);

    sequencer.offer(messages.get(4)); // #5: delivered before this room was opened
    sequencer.offer(messages.get(1)); // #2
    sequencer.offer(messages.get(7)); // #8: held
    sequencer.offer(messages.get(7)); // #8 again
    assertThat(sequencer.heldCount()).isEqualTo(1);
    sequencer.offer(messages.get(5));
    sequencer.offer(messages.get(6));
    sequencer.offer(messages.get(7)); // #8 once more, delivered by now

    assertThat(deliveredSeqs()).containsExactly(6L, 7L, 8L);
    assertThat(sequencer.duplicatesDropped()).isEqualTo(4);
  }

  @Test
  void aHoleIsReadFromTheStoreOnceTheDelayPassed() {
    List<ChatMessage> messages = stored(5);
    open(0);
    sequencer.offer(messages.get(3));
    sequencer.offer(messages.get(4));
    assertThat(store.reads).as("nothing read before the delay").isEmpty();

    delayPasses();

    assertThat(delivered).containsExactlyElementsOf(messages);
    assertThat(store.reads).containsExactly(PageRequest.after(0, RoomSequencer.FILL_PAGE));
    assertThat(store.readUnderTheRoomsLock).as("the store is read off the room's lock").isFalse();
    assertThat(sequencer.fillsDone()).isEqualTo(1);
    assertThat(sequencer.duplicatesDropped()).as("#4 and #5 read again, after their hold").isEqualTo(2);
    assertThat(sequencer.heldCount()).isZero();
    assertThat(armed).as("no hole left, no fill armed").isEmpty();
  }

  @Test
  void aLongHoleIsReadPageByPage() {
    List<ChatMessage> messages = stored(250);
    open(0);
    sequencer.offer(messages.get(249));

    delayPasses();

    assertThat(deliveredSeqs()).containsExactlyElementsOf(LongStream.rangeClosed(1, 250).boxed().toList());
    int page = RoomSequencer.FILL_PAGE;
    assertThat(store.reads).containsExactly(
        PageRequest.after(0, page), PageRequest.after(page, page), PageRequest.after(2L * page, page));
    assertThat(sequencer.fillsDone()).isEqualTo(1);
  }

  @Test
  void aFailingFillIsRetriedOnTheNextArmAndWarnsOnce() {
    List<ChatMessage> messages = stored(3);
    open(0);
    store.failures = 2;
    sequencer.offer(messages.get(2));

    try (LoggedProblems logged = new LoggedProblems()) {
      delayPasses();
      assertThat(delivered).isEmpty();
      assertThat(armed).as("the failed fill armed the next").hasSize(1);
      delayPasses();
      assertThat(delivered).isEmpty();
      assertThat(sequencer.fillsDone()).isZero();

      delayPasses();

      assertThat(delivered).containsExactlyElementsOf(messages);
      assertThat(sequencer.fillsDone()).isEqualTo(1);
      assertThat(armed).isEmpty();
      assertThat(logged.problems()).as("two failures in a row, one warning").hasSize(1);
    }
  }

  @Test
  void aFillThatLeavesAHoleArmsTheNext() {
    List<ChatMessage> messages = stored(3);
    open(0);
    store.visibleUpTo = 1; // #2 is not in what the store shows yet
    sequencer.offer(messages.get(2));

    delayPasses();
    assertThat(deliveredSeqs()).containsExactly(1L);
    assertThat(armed).as("#3 still held: the next fill is armed").hasSize(1);

    store.visibleUpTo = Long.MAX_VALUE;
    delayPasses();

    assertThat(delivered).containsExactlyElementsOf(messages);
    assertThat(sequencer.fillsDone()).isEqualTo(2);
    assertThat(armed).isEmpty();
  }

  @Test
  void aCallerIsAnsweredOnceItsMessageWasDeliveredHoweverItGotThere() {
    List<ChatMessage> messages = stored(4);
    open(0);

    sequencer.offer(messages.get(1), () -> log.add("answer 2"));
    assertThat(log).as("#2 waits behind the hole").isEmpty();
    sequencer.offer(messages.get(0));
    // Delivered by an earlier copy (a fill that read it first): answered at once.
    sequencer.offer(messages.get(1), () -> log.add("answer 2 again"));
    // Held, then offered again by another caller: both answered at its one delivery.
    sequencer.offer(messages.get(3), () -> log.add("answer 4"));
    sequencer.offer(messages.get(3), () -> log.add("answer 4 again"));
    sequencer.offer(messages.get(2));

    assertThat(log).containsExactly(
        "deliver 1", "deliver 2", "answer 2", "answer 2 again",
        "deliver 3", "deliver 4", "answer 4", "answer 4 again");
  }

  @Test
  void messagesTheStoreNoLongerKeepsAreSkippedRatherThanWaitedFor() {
    store = new ReadStore(HistoryStore.inMemory(50));
    List<ChatMessage> messages = stored(150); // the store keeps #101..#150
    open(0);
    sequencer.offer(messages.get(149));

    try (LoggedProblems logged = new LoggedProblems()) {
      delayPasses();

      assertThat(logged.problems()).singleElement().asString().contains("#1..100");
    }
    assertThat(delivered).containsExactlyElementsOf(messages.subList(100, 150));
    assertThat(sequencer.heldCount()).isZero();
    assertThat(armed).isEmpty();
  }

  @Test
  void aCatchUpReadsWhatTheStoreHasBeyondTheDeliveredSeqWhenNothingArrives() {
    List<ChatMessage> messages = stored(4);
    open(1);

    sequencer.catchUp(4);
    assertThat(armed).as("a fill armed though nothing is held").hasSize(1);
    delayPasses();

    assertThat(deliveredSeqs()).containsExactly(2L, 3L, 4L);
    assertThat(sequencer.fillsDone()).isEqualTo(1);
    assertThat(armed).as("caught up: nothing left to fill").isEmpty();
    sequencer.offer(messages.get(3));
    assertThat(sequencer.duplicatesDropped()).isEqualTo(1);
  }

  @Test
  void aCatchUpThatFindsEverythingDeliveredReadsNothing() {
    stored(3);
    open(3);

    sequencer.catchUp(2);
    sequencer.catchUp(3);

    assertThat(armed).isEmpty();
    assertThat(store.reads).isEmpty();
  }

  @Test
  void aCatchUpBeyondWhatTheStoreHasStopsAtTheStoresEnd() {
    stored(2);
    open(0);

    sequencer.catchUp(5);
    delayPasses();

    assertThat(deliveredSeqs()).containsExactly(1L, 2L);
    assertThat(armed).as("the store has nothing more: no endless retry").isEmpty();
  }

  @Test
  void aRebaseSkipsToTheStoresLatestAndAnswersTheHeldItPassed() {
    List<ChatMessage> messages = stored(6);
    open(1);
    sequencer.offer(messages.get(3), () -> log.add("answer 4"));
    sequencer.offer(messages.get(5), () -> log.add("answer 6"));

    sequencer.rebase(4);

    assertThat(room.deliveredSeq).isEqualTo(4);
    assertThat(log).as("#4 answered, not delivered: nobody here waited for it").containsExactly("answer 4");
    assertThat(delivered).isEmpty();
    sequencer.offer(messages.get(4));
    assertThat(deliveredSeqs()).containsExactly(5L, 6L);
    assertThat(log).containsExactly("answer 4", "deliver 5", "deliver 6", "answer 6");
  }

  @Test
  void aRebaseBehindTheDeliveredSeqChangesNothing() {
    stored(3);
    open(3);

    sequencer.rebase(2);

    assertThat(room.deliveredSeq).isEqualTo(3);
  }

  // ---- helpers ----

  /** Opens the room with {@code deliveredSeq} delivered already, over {@link #store}. */
  private void open(long deliveredSeq) {
    room = new Room(ROOM, deliveredSeq, r -> new RoomSequencer(r, store, armed::addLast, message -> {
      assertThat(r.lock.isHeldByCurrentThread()).as("delivered under the room's lock").isTrue();
      delivered.add(message);
      log.add("deliver " + message.seq());
    }));
    sequencer = room.sequencer;
    store.room = room;
  }

  /** Stores {@code count} more messages in the room, as any server would, and returns them. */
  private List<ChatMessage> stored(int count) {
    List<ChatMessage> messages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Instant ts = Instant.ofEpochMilli(1_000 + i);
      messages.add(store.append(
          new HistoryStore.NewMessage(ROOM, "m" + i, ALICE, null, "text " + i, ts, null)).join());
    }
    return messages;
  }

  /** The gap-fill delay passed: runs the fill armed first. */
  private void delayPasses() {
    Runnable fill = armed.pollFirst();
    assertThat(fill).as("a gap fill was armed").isNotNull();
    fill.run();
  }

  private List<Long> deliveredSeqs() {
    return delivered.stream().map(ChatMessage::seq).toList();
  }

  /** Records the reads; fails the next {@link #failures} of them; shows only up to {@link #visibleUpTo}. */
  private static final class ReadStore extends ForwardingStore {
    final List<PageRequest> reads = new ArrayList<>();
    int failures;
    long visibleUpTo = Long.MAX_VALUE;
    Room room;
    boolean readUnderTheRoomsLock;

    ReadStore(HistoryStore delegate) {
      super(delegate);
    }

    @Override
    public HistoryPage read(String name, PageRequest request) {
      reads.add(request);
      readUnderTheRoomsLock |= room != null && room.lock.isHeldByCurrentThread();
      if (failures > 0) {
        failures--;
        throw new IllegalStateException("the database is down");
      }
      HistoryPage page = super.read(name, request);
      List<ChatMessage> visible = page.messages().stream().filter(m -> m.seq() <= visibleUpTo).toList();
      return visible.size() == page.messages().size() ? page
          : new HistoryPage(page.room(), page.epoch(), visible, false);
    }
  }
}
