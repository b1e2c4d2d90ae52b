package dev.natter.examples.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatServerListener;
import dev.natter.chat.tck.reliability.CheckedClient;
import dev.natter.chat.tck.reliability.TcpProxy;
import dev.natter.chat.tck.reliability.Verdict;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 2: every client's socket is cut again and again while they send. The clients reconnect,
 * resume, resend what was not acknowledged with the same {@code cid} and catch up: nothing lost, nothing
 * twice, nothing out of order.
 */
class SocketsCutIT {
  private static final List<String> ROOMS = List.of("alpha", "beta");
  private static final int CUTS = 6;

  @Test
  void clientsCutMidSendLoseNothingAndStoreNothingTwice(@TempDir Path dir) throws Exception {
    try (SqliteServer server = SqliteServer.start(dir.resolve("natter.db"),
            SqliteServer.unlimitedSends().build(), new ChatServerListener() {});
        TcpProxy proxy = TcpProxy.to("127.0.0.1", server.port());
        Scenario scenario = new Scenario()) {
      List<CheckedClient> clients = List.of(scenario.connect("alice", proxy.port()),
          scenario.connect("bob", proxy.port()), scenario.connect("carol", proxy.port()),
          scenario.connect("dave", proxy.port()));
      clients.forEach(client -> ROOMS.forEach(client::join));

      Traffic traffic = Traffic.start(clients.subList(0, 3), ROOMS, 5, 100);
      try (traffic) {
        for (int cut = 0; cut < CUTS; cut++) {
          long before = scenario.acked();
          Scenario.await("traffic flows between cuts", () -> scenario.acked() >= before + 50);
          proxy.cutAll();
        }
        long before = scenario.acked();
        Scenario.await("traffic flows after the last cut", () -> scenario.acked() >= before + 50);
        traffic.stop();
      }
      scenario.settle();
      server.stop();
      scenario.recordStore(dir.resolve("natter.db"), ROOMS);

      Verdict verdict = scenario.check();
      assertThat(proxy.accepted()).as("every cut made every client reconnect")
          .isGreaterThanOrEqualTo(clients.size() * (CUTS + 1));
      assertThat(verdict.acked()).isGreaterThanOrEqualTo(50 * (CUTS + 1));
    }
  }
}
