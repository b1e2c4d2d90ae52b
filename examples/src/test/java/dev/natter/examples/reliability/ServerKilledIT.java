package dev.natter.examples.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.tck.reliability.CheckedClient;
import dev.natter.chat.tck.reliability.TcpProxy;
import dev.natter.chat.tck.reliability.Verdict;
import dev.natter.examples.testing.ServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 1: the server process (natter-server.jar, SQLite in its data directory) is killed with
 * SIGKILL mid-traffic and started again on the same data. The clients, behind a proxy standing in for a
 * load balancer, reconnect to the new process, resend what was not acknowledged and catch up: every
 * acknowledged message survives, none is stored twice, none arrives twice or out of order.
 */
class ServerKilledIT {
  private static final List<String> ROOMS = List.of("alpha", "beta");

  @Test
  void everyAcknowledgedMessageSurvivesSigkillAndRestart(@TempDir Path dir) throws Exception {
    try (ServerProcess first = start(dir);
        TcpProxy proxy = TcpProxy.to("127.0.0.1", first.port());
        Scenario scenario = new Scenario()) {
      List<CheckedClient> clients = List.of(scenario.connect("alice", proxy.port()),
          scenario.connect("bob", proxy.port()), scenario.connect("carol", proxy.port()),
          scenario.connect("dave", proxy.port()));
      clients.forEach(client -> ROOMS.forEach(client::join));

      Traffic traffic = Traffic.start(clients.subList(0, 3), ROOMS, 5, 100);
      try (traffic) {
        Scenario.await("traffic flows", () -> scenario.acked() >= 300);
        first.sigkill();
        assertThat(first.awaitExit()).as("killed").isNotZero();
        long ackedByTheFirst = scenario.acked();

        try (ServerProcess second = start(dir)) {
          proxy.retarget("127.0.0.1", second.port());
          Scenario.await("traffic flows again", () -> scenario.acked() >= ackedByTheFirst + 300);
          traffic.stop();
          scenario.settle();
          second.sigterm();
          assertThat(second.awaitExit()).as("SIGTERM: the JVM exits 128 + 15 after its graceful shutdown").isEqualTo(143);
        }
      }
      scenario.recordStore(dir.resolve("data").resolve("natter.db"), ROOMS);

      Verdict verdict = scenario.check();
      assertThat(verdict.acked()).isGreaterThanOrEqualTo(600);
    }
  }

  private static ServerProcess start(Path dir) throws IOException, InterruptedException {
    ServerProcess server = ServerProcess.start(dir, "--port", "0", "--data-dir", "data", "--rate-limit", "off");
    server.awaitListening();
    return server;
  }
}
