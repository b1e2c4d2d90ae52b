package dev.natter.examples.reliability;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.SendReceipt;
import dev.natter.chat.tck.reliability.CheckedClient;
import dev.natter.chat.tck.reliability.DeliveryLog;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends as an app on a cluster does (docs/cluster.md §9): each message with a {@code cid} of its own, and
 * a send the server answered with {@code internal} (a node that could not reach Redis in time, or fenced
 * itself past its lease) sent again, after a short pause, with the same {@code cid}, so the server
 * stores it once whatever happened. The {@link DeliveryLog} records the final outcome only; the
 * {@code internal} answers are counted ({@link #internalAnswers()}, {@link #messagesResent()}).
 */
final class ResendOnInternal implements AutoCloseable {
  /** How often one message is tried before its {@code internal} is final. */
  static final int ATTEMPTS = 20;
  /** The app's pause before sending again: a backoff, not a wait for a condition. */
  private static final Duration PAUSE = Duration.ofMillis(100);

  private final DeliveryLog log;
  private final LongAdder internalAnswers = new LongAdder();
  private final LongAdder messagesResent = new LongAdder();
  private final ConcurrentHashMap<String, AtomicLong> cids = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "resend-on-internal");
    thread.setDaemon(true);
    return thread;
  });

  ResendOnInternal(DeliveryLog log) {
    this.log = log;
  }

  /** Sends a new message of {@code padding} characters more than its unique tag, as {@link Traffic.Sending}. */
  void send(CheckedClient sender, String room, int padding) {
    DeliveryLog.Send send = log.newSend(sender.name(), room, padding);
    String cid = sender.name() + "-" + cids.computeIfAbsent(sender.name(), n -> new AtomicLong()).incrementAndGet();
    CompletableFuture<SendReceipt> outcome = new CompletableFuture<>();
    outcome.whenComplete(send::completed);
    attempt(sender, send, cid, outcome, 1);
  }

  /** How many times the server answered {@code internal} so far, resends included. */
  long internalAnswers() {
    return internalAnswers.sum();
  }

  /** How many messages were answered {@code internal} at least once, and so sent again. */
  long messagesResent() {
    return messagesResent.sum();
  }

  private void attempt(CheckedClient sender, DeliveryLog.Send send, String cid,
      CompletableFuture<SendReceipt> outcome, int attempt) {
    CompletableFuture<SendReceipt> answer;
    try {
      answer = sender.client().send(send.room(), send.text(), cid);
    } catch (RuntimeException e) {
      outcome.completeExceptionally(e);
      return;
    }
    answer.whenComplete((receipt, failure) -> {
      if (failure == null) {
        outcome.complete(receipt);
        return;
      }
      if (!isInternal(failure) || attempt == ATTEMPTS) {
        outcome.completeExceptionally(failure);
        return;
      }
      internalAnswers.increment();
      if (attempt == 1) {
        messagesResent.increment();
      }
      try {
        timer.schedule(() -> attempt(sender, send, cid, outcome, attempt + 1), PAUSE.toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        outcome.completeExceptionally(failure);
      }
    });
  }

  private static boolean isInternal(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return cause instanceof ChatException chat && chat.status().code() == ChatStatus.Code.INTERNAL;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
