package dev.natter.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore.NewMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL while appending loses nothing it acknowledged: after a restart every
 * acknowledged message is there under its {@code seq}, each room's {@code seq} runs 1..N without a gap,
 * no message is there twice, and the next append continues the {@code seq}.
 */
class CrashSafetyTest {
  private static final int ACKS_BEFORE_KILL = 2_000;

  @TempDir Path folder;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void everyAcknowledgedAppendSurvivesAKill() throws Exception {
    Path file = folder.resolve("history.db");
    Path errors = folder.resolve("child.err");
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashingAppender.class.getName(), file.toString())
        .redirectError(errors.toFile())
        .start();

    Map<String, Map<Long, String>> acked = new HashMap<>();
    int acks = 0;
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      while (acks < ACKS_BEFORE_KILL) {
        String line = lines.readLine();
        if (line == null) {
          fail("the child ended after " + acks + " acks:\n" + Files.readString(errors));
        }
        String[] ack = line.split(" ");
        acked.computeIfAbsent(ack[1], room -> new HashMap<>()).put(Long.parseLong(ack[2]), ack[3]);
        acks++;
      }
      assertThat(child.isAlive()).as("killed while appending").isTrue();
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, mid-batch
      child.waitFor();
    }

    try (JdbcHistoryStore store = JdbcHistoryStore.sqlite(file)) {
      Set<String> mids = new HashSet<>();
      for (String room : List.of("room0", "room1")) {
        List<ChatMessage> log = HistoryStoreContract.readAll(store, room);
        assertThat(log).extracting(ChatMessage::seq).containsExactlyElementsOf(HistoryStoreContract.oneTo(log.size()));
        Map<Long, String> stored = new HashMap<>();
        log.forEach(m -> stored.put(m.seq(), m.mid()));
        assertThat(stored).containsAllEntriesOf(acked.getOrDefault(room, Map.of()));
        log.forEach(m -> assertThat(mids.add(m.mid())).as("stored once: %s", m.mid()).isTrue());
        assertThat(store.state(room).latestSeq()).isEqualTo(log.size());

        NewMessage next = new NewMessage(room, "after-" + room, new User("parent", "Parent"), null, "after",
            Instant.ofEpochMilli(System.currentTimeMillis()), null);
        assertThat(store.append(next).join().seq()).isEqualTo(log.size() + 1L);
      }
      assertThat(mids).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
    }
  }
}
