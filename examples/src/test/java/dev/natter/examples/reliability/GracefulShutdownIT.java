package dev.natter.examples.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.tck.reliability.CheckedClient;
import dev.natter.chat.tck.reliability.Verdict;
import dev.natter.examples.testing.ServerProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 5: the server process gets SIGTERM while clients send flat out. It shuts down gracefully: it
 * reads no new request, delivers what it already stored, then closes. Every message it acknowledged is
 * in the SQLite file, once, with no hole in any room's {@code seq}; everything it stored was acknowledged
 * and reached every client, in order and once.
 */
class GracefulShutdownIT {
  private static final List<String> ROOMS = List.of("alpha", "beta", "gamma");

  @Test
  void everyAcknowledgedMessageIsInTheStoreAfterSigterm(@TempDir Path dir) throws Exception {
    try (ServerProcess server = ServerProcess.start(dir, "--port", "0", "--data-dir", "data",
            "--rate-limit", "off");
        Scenario scenario = new Scenario()) {
      server.awaitListening();
      List<CheckedClient> clients = List.of(scenario.connect("alice", server.port()),
          scenario.connect("bob", server.port()), scenario.connect("carol", server.port()),
          scenario.connect("dave", server.port()));
      clients.forEach(client -> ROOMS.forEach(client::join));

      Traffic traffic = Traffic.start(clients, ROOMS, 2, 200);
      try (traffic) {
        Scenario.await("traffic flows", () -> scenario.acked() >= 500);
        server.sigterm();
        assertThat(server.awaitExit()).as("SIGTERM: the JVM exits 128 + 15 after its graceful shutdown").isEqualTo(143);
        traffic.stop();
      }
      // The server is gone for good: what is still unanswered stays unknown, and the clients stop.
      scenario.stopClients();
      scenario.recordStore(dir.resolve("data").resolve("natter.db"), ROOMS);

      Verdict verdict = scenario.check();
      assertThat(verdict.acked()).isGreaterThanOrEqualTo(500);
      // The shutdown read no new request and delivered what it had stored before it closed: everything
      // stored was acknowledged to its sender and reached all four clients live.
      assertThat(verdict.rooms().values()).allSatisfy(room -> {
        assertThat(room.stored()).as(room.room()).isEqualTo(room.acked());
        assertThat(room.deliveries()).as(room.room()).isEqualTo(clients.size() * room.stored());
      });
    }
  }
}
