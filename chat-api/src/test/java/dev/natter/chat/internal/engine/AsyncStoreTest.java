package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatServer;
import dev.natter.chat.ChatServerListener;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.tck.ForwardingStore;
import dev.natter.chat.spi.ServerFrame;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The engine over a store whose appends complete later (as a durable store's group commit does): the
 * sender's ok and every delivery wait for the store, a join meanwhile sees the message once, and a failed
 * append is {@code internal} and costs no {@code seq}.
 */
class AsyncStoreTest extends EngineTestSupport {
  private final HeldStore store = new HeldStore();
  private final BlockingListener listener = new BlockingListener();

  @Override
  HistoryStore store() {
    return store;
  }

  @Override
  void configure(ChatServer.Builder builder) {
    builder.listener(listener);
  }

  /** Once armed, holds {@code onMessage} until the test releases it. */
  private static final class BlockingListener implements ChatServerListener {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean armed;

    @Override
    public void onMessage(ChatMessage message) {
      if (!armed) {
        return;
      }
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void theOkAndTheDeliveriesWaitForTheStore() {
    start();
    TwoMembers members = aliceAndBobIn("general");
    FakeConnection alice = members.alice();
    FakeConnection bob = members.bob();

    alice.receive(new ClientFrame.Send("s1", "general", null, "held", null));
    assertNothingElseSent(alice);
    assertNothingElseSent(bob);

    store.release();

    ServerFrame first = alice.next();
    ServerFrame second = alice.next();
    assertThat(List.of(first, second)).hasAtLeastOneElementOfType(ServerFrame.SendOk.class)
        .hasAtLeastOneElementOfType(ServerFrame.MessageEvent.class);
    ChatMessage atBob = nextMessage(bob);
    assertThat(atBob.seq()).isEqualTo(1);
    assertThat(atBob.text()).isEqualTo("held");
  }

  @Test
  void aGracefulShutdownDeliversWhatTheStoreHoldsBeforeItCloses() {
    start();
    TwoMembers members = aliceAndBobIn("general");
    FakeConnection alice = members.alice();
    FakeConnection bob = members.bob();
    alice.receive(new ClientFrame.Send("s1", "general", null, "in the store's hands", null));
    store.storeWithoutCompleting();

    server.shutdown();
    alice.receive(new ClientFrame.Send("s2", "general", null, "after the shutdown began", null));

    assertThat(alice.closeSoFar()).as("waits for the append in flight").isNull();
    store.complete();
    List<ServerFrame> atAlice = List.of(alice.next(), alice.next());
    assertThat(atAlice).hasAtLeastOneElementOfType(ServerFrame.SendOk.class)
        .hasAtLeastOneElementOfType(ServerFrame.MessageEvent.class);
    assertThat(nextMessage(bob).text()).isEqualTo("in the store's hands");
    assertThat(alice.awaitClose().code()).isEqualTo(1001);
    assertThat(bob.awaitClose().code()).isEqualTo(1001);
    assertThat(store.heldCount()).as("the request after the shutdown began was not read").isZero();
  }

  @Test
  void aShutdownThatBeginsWhileAStoredMessageFansOutClosesOnlyAfterTheSendersOk() throws Exception {
    start();
    TwoMembers members = aliceAndBobIn("general");
    FakeConnection alice = members.alice();
    listener.armed = true;
    alice.receive(new ClientFrame.Send("s1", "general", null, "fanning out", null));
    // The store completes on its own thread, which then delivers; the listener holds it there, after
    // the broadcast and before the sender's ok is queued.
    Thread storeThread = new Thread(store::release, "store-completion");
    storeThread.start();
    try {
      assertThat(listener.entered.await(5, TimeUnit.SECONDS)).as("the fan-out reached the listener").isTrue();

      server.shutdown();

      assertThat(alice.closeSoFar()).as("still delivering: not closed yet").isNull();
    } finally {
      listener.release.countDown();
      storeThread.join();
    }
    List<ServerFrame> atAlice = List.of(alice.next(), alice.next());
    assertThat(atAlice).hasAtLeastOneElementOfType(ServerFrame.SendOk.class)
        .hasAtLeastOneElementOfType(ServerFrame.MessageEvent.class);
    assertThat(alice.awaitClose().code()).isEqualTo(1001);
  }

  @Test
  void aJoinWhileAnAppendIsOnItsWayGetsTheMessageLiveExactlyOnce() {
    start();
    FakeConnection alice = login("alice");
    FakeConnection carol = login("carol");
    join(alice, "general");
    alice.receive(new ClientFrame.Send("s1", "general", null, "in flight", null));
    store.storeWithoutCompleting();

    ServerFrame.Joined joined = join(carol, "general");

    assertThat(joined.seq()).as("the snapshot stops before the undelivered message").isZero();
    assertThat(joined.messages()).isEmpty();
    store.complete();
    assertThat(nextMessage(carol).text()).isEqualTo("in flight");
    assertNothingElseSent(carol);
  }

  @Test
  void aFailedAppendIsInternalDeliversNothingAndCostsNoSeq() {
    start();
    TwoMembers members = aliceAndBobIn("general");
    FakeConnection alice = members.alice();
    FakeConnection bob = members.bob();

    alice.receive(new ClientFrame.Send("s1", "general", null, "lost", "c-1"));
    store.fail();

    assertError(alice.next(), "s1", Code.INTERNAL);
    assertNothingElseSent(bob);
    store.passThrough = true;
    Sent retry = send(alice, new ClientFrame.Send("s2", "general", null, "again", "c-1"));
    assertThat(retry.ok().seq()).as("the failed append used up no seq").isEqualTo(1);
    assertThat(nextMessage(bob).text()).isEqualTo("again");
  }

  /**
   * Holds each append until the test releases it: stores it and completes it, stores it without
   * completing yet, or fails it.
   */
  private static final class HeldStore extends ForwardingStore {
    HeldStore() {
      super(HistoryStore.inMemory());
    }
    private final Deque<Held> held = new ArrayDeque<>();
    private CompletableFuture<ChatMessage> storedNotCompleted;
    private ChatMessage storedMessage;
    volatile boolean passThrough;

    private record Held(NewMessage message, CompletableFuture<ChatMessage> future) {}

    @Override
    public synchronized CompletableFuture<ChatMessage> append(NewMessage message) {
      if (passThrough) {
        return delegate.append(message);
      }
      CompletableFuture<ChatMessage> future = new CompletableFuture<>();
      held.addLast(new Held(message, future));
      notifyAll();
      return future;
    }

    void release() {
      Held next = next();
      next.future().complete(delegate.append(next.message()).join());
    }

    synchronized int heldCount() {
      return held.size();
    }

    void storeWithoutCompleting() {
      Held next = next();
      synchronized (this) {
        storedMessage = delegate.append(next.message()).join();
        storedNotCompleted = next.future();
      }
    }

    void complete() {
      CompletableFuture<ChatMessage> future;
      ChatMessage message;
      synchronized (this) {
        future = storedNotCompleted;
        message = storedMessage;
      }
      future.complete(message);
    }

    void fail() {
      next().future().completeExceptionally(new IllegalStateException("disk full"));
    }

    // Waits for the engine to hand over the append the test just sent.
    private synchronized Held next() {
      long deadline = System.nanoTime() + FakeConnection.TIMEOUT.toNanos();
      while (held.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no append reached the store");
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
      return held.removeFirst();
    }
  }
}
