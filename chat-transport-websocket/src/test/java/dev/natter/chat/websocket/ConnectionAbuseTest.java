package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natter.chat.Limits;
import dev.natter.chat.User;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * One client abusing the server with volume (docs/protocol.md §1 limits): a flood of sends, hundreds of
 * connections at once, more connections than the server allows. Each gets the documented answer, the
 * server cleans up after it, and alice and bob, chatting in {@code general} meanwhile, notice nothing.
 */
class ConnectionAbuseTest {
  private static final int SENDS = 20;
  /** Refills one token an hour: no send of the flood is let through by a refill, so counts are exact. */
  private static final Limits.RateLimit RATE = Limits.RateLimit.of(SENDS, Duration.ofHours(20));
  private static final int FLOOD = 5_000;

  @Test
  void aFloodOfSendsGetsTwentyOksFiveRateLimitedAndClose4008() throws Exception {
    try (Bystanders chat = Bystanders.start(Limits.defaults().toBuilder().rateLimit(RATE).build())) {
      RawSocket mallory = chat.openRaw();
      mallory.hello("mallory");
      mallory.sendText("{\"type\":\"join\",\"id\":\"j\",\"room\":\"flood\"}");
      assertThat(mallory.nextJson().get("type").asText()).isEqualTo("joined");

      // Written as fast as the socket takes them, without reading a reply, until the server hangs up.
      ExecutorService writer = Executors.newSingleThreadExecutor();
      try {
        Future<Integer> written = writer.submit(() -> flood(mallory));
        chat.assertStillChatting();
        assertThat(written.get(JdkSocket.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isPositive();
      } finally {
        writer.shutdownNow();
      }

      List<JsonNode> replies = new ArrayList<>();
      int ownCopies = 0;
      RawSocket.Frame frame;
      while ((frame = mallory.next()).opcode() != RawSocket.CLOSE) {
        JsonNode json = JdkSocket.parse(frame.text());
        if (json.get("type").asText().equals("message")) {
          ownCopies++;
        } else {
          replies.add(json);
        }
      }
      assertThat(frame.closeCode()).isEqualTo(4008);
      mallory.awaitEnd();
      assertThat(ownCopies).isEqualTo(SENDS);
      assertThat(replies).hasSize(SENDS + 5);
      for (int i = 0; i < SENDS; i++) {
        JsonNode ok = replies.get(i);
        assertThat(ok.get("type").asText()).as("reply %s: %s", i, ok).isEqualTo("ok");
        assertThat(ok.get("id").asText()).isEqualTo("f" + i);
        assertThat(ok.get("seq").asLong()).isEqualTo(i + 1);
      }
      for (int i = SENDS; i < SENDS + 5; i++) {
        JsonNode error = replies.get(i);
        assertThat(error.get("code").asText()).as("reply %s: %s", i, error).isEqualTo("rate_limited");
        assertThat(error.get("id").asText()).isEqualTo("f" + i);
        assertThat(error.get("retryAfterMs").asLong()).isPositive();
      }
      chat.awaitOffline("mallory");
      // Nothing past the rate limit was stored.
      JdkSocket carol = chat.connect("carol");
      carol.send("{\"type\":\"join\",\"id\":\"j\",\"room\":\"flood\"}");
      assertThat(carol.next("joined").get("seq").asLong()).isEqualTo(SENDS);
      chat.assertStillChatting();
    }
  }

  @Test
  void fiveHundredConnectionsFromOneClientAreAllServedAndAllCleanedUp() throws Exception {
    int many = 500;
    // Exactly room for alice, bob and the 500: the limit shows how many connections the server counts.
    Limits limits = Limits.defaults().toBuilder().maxConnections(2 + many).build();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (Bystanders chat = Bystanders.start(limits)) {
      for (int wave = 1; wave <= 2; wave++) {
        List<RawSocket> sockets = openAll(chat, pool, many, "w" + wave + "-");
        try {
          assertThat(chat.server.onlineUsers()).hasSize(2 + many);
          RawSocket oneTooMany = chat.openRaw();
          assertThat(oneTooMany.awaitClose()).isEqualTo(1013);
          chat.assertStillChatting();
        } finally {
          for (RawSocket socket : sockets) {
            socket.sendClose(1000).close();
          }
        }
        // The second wave is admitted only if every connection of the first was counted out.
        awaitOnline(chat, List.of("alice", "bob"));
        chat.assertStillChatting();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void connectionsOpenedAtOncePastTheLimitAreClosedWith1013() throws Exception {
    // Alice and bob take two of the twelve slots; twenty more race for the other ten.
    Limits limits = Limits.defaults().toBuilder().maxConnections(12).build();
    ExecutorService pool = Executors.newFixedThreadPool(20);
    Queue<RawSocket> opened = new ConcurrentLinkedQueue<>();
    try (Bystanders chat = Bystanders.start(limits)) {
      List<CompletableFuture<Object>> outcomes = IntStream.range(0, 20)
          .mapToObj(i -> CompletableFuture.supplyAsync(() -> helloOrClose(chat, opened, "c" + i), pool))
          .toList();
      // Every socket stays open until all are counted, so no slot is freed meanwhile.
      List<Object> results = outcomes.stream().map(CompletableFuture::join).toList();
      assertThat(results.stream().filter(Integer.valueOf(1013)::equals)).hasSize(10);
      assertThat(results.stream().filter(JsonNode.class::isInstance)
          .map(welcome -> ((JsonNode) welcome).get("type").asText())).containsOnly("welcome").hasSize(10);
      chat.assertStillChatting();
    } finally {
      opened.forEach(RawSocket::close);
      pool.shutdownNow();
    }
  }

  // The welcome, or the close code when the server refuses the connection.
  private static Object helloOrClose(Bystanders chat, Queue<RawSocket> opened, String name) {
    RawSocket raw = RawSocket.open(chat.uri());
    opened.add(raw);
    raw.sendText("{\"type\":\"hello\",\"id\":\"h\",\"v\":1,\"name\":\"" + name + "\"}");
    RawSocket.Frame frame = raw.next();
    return frame.opcode() == RawSocket.CLOSE ? (Object) frame.closeCode() : JdkSocket.parse(frame.text());
  }

  private static int flood(RawSocket mallory) {
    int written = 0;
    try {
      while (written < FLOOD) {
        String[] batch = new String[100];
        for (int i = 0; i < batch.length; i++) {
          batch[i] = "{\"type\":\"send\",\"id\":\"f" + (written + i) + "\",\"room\":\"flood\",\"text\":\"flood\"}";
        }
        mallory.sendTexts(batch);
        written += batch.length;
      }
    } catch (UncheckedIOException e) {
      // The server closed the connection: the flood is over.
    }
    return written;
  }

  private static List<RawSocket> openAll(Bystanders chat, ExecutorService pool, int count, String prefix)
      throws Exception {
    List<Future<RawSocket>> opening = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = prefix + i;
      opening.add(pool.submit(() -> {
        RawSocket raw = RawSocket.open(chat.uri());
        assertThat(raw.hello(name).get("user").get("id").asText()).isEqualTo(name);
        return raw;
      }));
    }
    List<RawSocket> sockets = new ArrayList<>();
    for (Future<RawSocket> socket : opening) {
      sockets.add(socket.get(JdkSocket.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }
    return sockets;
  }

  private static void awaitOnline(Bystanders chat, List<String> ids) {
    long deadline = System.nanoTime() + JdkSocket.TIMEOUT.toNanos();
    while (!chat.server.onlineUsers().stream().map(User::id).toList().equals(ids)) {
      assertThat(System.nanoTime() - deadline).as("online: %s", chat.server.onlineUsers()).isNegative();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // paces the polling
    }
  }
}
