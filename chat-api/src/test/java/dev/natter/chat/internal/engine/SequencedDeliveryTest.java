package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatServer;
import dev.natter.chat.ChatServerListener;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.PageRequest;
import dev.natter.chat.User;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.tck.ForwardingStore;
import dev.natter.chat.spi.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The engine's deliveries through the rooms' sequencers. Alone, every append is the next {@code seq}:
 * nothing is held or read again. A message stored behind the server's back (as another server of a
 * cluster stores one) opens a hole: the next local send is held, and its {@code ok} waits, until the
 * gap fill read the missing one from the store.
 */
class SequencedDeliveryTest extends EngineTestSupport {
  private final GatedStore store = new GatedStore();
  private final List<Long> reported = new CopyOnWriteArrayList<>();

  @Override
  HistoryStore store() {
    return store;
  }

  @Override
  void configure(ChatServer.Builder builder) {
    builder.listener(new ChatServerListener() {
      @Override
      public void onMessage(ChatMessage message) {
        reported.add(message.seq());
      }
    });
  }

  @Test
  void aloneEverySendIsDeliveredAndAnsweredAtOnceWithNothingHeld() {
    start();
    TwoMembers members = aliceAndBobIn("general");
    List<Long> sentByAlice = new ArrayList<>();
    List<Long> sentByBob = new ArrayList<>();

    for (int i = 0; i < 10; i++) {
      sentByAlice.add(send(members.alice(), "general", "a" + i).ok().seq());
      assertThat(nextMessage(members.bob()).seq()).isEqualTo(sentByAlice.get(i));
      sentByBob.add(send(members.bob(), "general", "b" + i).ok().seq());
      assertThat(nextMessage(members.alice()).seq()).isEqualTo(sentByBob.get(i));
    }

    assertThat(sentByAlice).containsExactly(1L, 3L, 5L, 7L, 9L, 11L, 13L, 15L, 17L, 19L);
    assertThat(sentByBob).containsExactly(2L, 4L, 6L, 8L, 10L, 12L, 14L, 16L, 18L, 20L);
    RoomSequencer sequencer = engine().existingRoom("general").sequencer;
    assertThat(sequencer.heldCount()).isZero();
    assertThat(sequencer.duplicatesDropped()).isZero();
    assertThat(sequencer.fillsDone()).isZero();
    assertThat(store.fillReads).as("the store is never read for a hole").isZero();
    assertNothingElseSent(members.alice());
    assertNothingElseSent(members.bob());
  }

  @Test
  void aSendBehindAHoleIsDeliveredAndAnsweredOnceTheFillReadTheMissingMessage() {
    start();
    engine().gapFillDelay(Duration.ZERO);
    TwoMembers members = aliceAndBobIn("general");
    store.storeElsewhere("general", "stored by another server");

    members.alice().receive(new ClientFrame.Send("s1", "general", null, "from here", null));

    assertThat(nextMessage(members.alice()).text()).isEqualTo("stored by another server");
    List<ServerFrame> then = List.of(members.alice().next(), members.alice().next());
    assertThat(then).hasAtLeastOneElementOfType(ServerFrame.SendOk.class);
    ServerFrame.SendOk ok = then.stream()
        .filter(ServerFrame.SendOk.class::isInstance).map(ServerFrame.SendOk.class::cast).findFirst().orElseThrow();
    assertThat(ok.seq()).isEqualTo(2);
    assertThat(then).filteredOn(ServerFrame.MessageEvent.class::isInstance).singleElement()
        .extracting(frame -> ((ServerFrame.MessageEvent) frame).message().text()).isEqualTo("from here");
    assertThat(nextMessage(members.bob()).seq()).isEqualTo(1);
    assertThat(nextMessage(members.bob()).seq()).isEqualTo(2);
    assertNothingElseSent(members.bob());
    RoomSequencer sequencer = engine().existingRoom("general").sequencer;
    assertThat(sequencer.fillsDone()).isEqualTo(1);
    assertThat(sequencer.duplicatesDropped()).as("#2 held, then read again by the fill").isEqualTo(1);
    assertThat(reported).as("the listener hears of the message this server stored only").containsExactly(2L);
  }

  @Test
  void aGracefulShutdownWaitsForASendHeldBehindAHole() throws Exception {
    start();
    engine().gapFillDelay(Duration.ZERO);
    TwoMembers members = aliceAndBobIn("general");
    store.storeElsewhere("general", "stored by another server");
    CountDownLatch release = store.holdFillReads();
    try {
      members.alice().receive(new ClientFrame.Send("s1", "general", null, "from here", null));
      assertThat(store.fillReadEntered.await(5, TimeUnit.SECONDS)).as("the fill reached the store").isTrue();
      // Also the barrier after the send: the connection is done with it, only the room holds it now.
      assertNothingElseSent(members.alice());

      server.shutdown();

      assertThat(members.alice().closeSoFar()).as("the held send is still in flight").isNull();
    } finally {
      release.countDown();
    }
    assertThat(nextMessage(members.alice()).seq()).isEqualTo(1);
    List<ServerFrame> then = List.of(members.alice().next(), members.alice().next());
    assertThat(then).hasAtLeastOneElementOfType(ServerFrame.SendOk.class)
        .hasAtLeastOneElementOfType(ServerFrame.MessageEvent.class);
    assertThat(members.alice().awaitClose().code()).isEqualTo(1001);
    assertThat(nextMessage(members.bob()).seq()).isEqualTo(1);
    assertThat(nextMessage(members.bob()).seq()).isEqualTo(2);
    assertThat(members.bob().awaitClose().code()).isEqualTo(1001);
  }

  private ChatEngine engine() {
    return (ChatEngine) server;
  }

  /**
   * An in-memory store that another "server" can append to directly, and whose reads for a gap fill
   * (those after a seq; the joins here read the latest page) the test can hold.
   */
  private static final class GatedStore extends ForwardingStore {
    final CountDownLatch fillReadEntered = new CountDownLatch(1);
    volatile int fillReads;
    private volatile CountDownLatch gate;

    GatedStore() {
      super(HistoryStore.inMemory());
    }

    void storeElsewhere(String room, String text) {
      Instant ts = Instant.now();
      delegate.append(new NewMessage(room, "elsewhere-" + ts.toEpochMilli(), new User("dave", "dave"), null,
          text, ts, null)).join();
    }

    CountDownLatch holdFillReads() {
      gate = new CountDownLatch(1);
      return gate;
    }

    @Override
    public HistoryPage read(String room, PageRequest request) {
      if (request.direction() == PageRequest.Direction.AFTER) {
        fillReads++;
        fillReadEntered.countDown();
        CountDownLatch held = gate;
        if (held != null) {
          try {
            held.await(FakeConnection.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
      return super.read(room, request);
    }
  }
}
