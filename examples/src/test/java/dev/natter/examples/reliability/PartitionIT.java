package dev.natter.examples.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatServerListener;
import dev.natter.chat.ConnectionState;
import dev.natter.chat.tck.reliability.CheckedClient;
import dev.natter.chat.tck.reliability.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network partition between one listening client and the server: no close, no reset, just silence.
 * The client's heartbeat notices (its ping gets no pong), it gives the connection up and keeps trying;
 * once the network heals it reconnects and catches up on what it missed, in order and once.
 */
class PartitionIT {
  private static final List<String> ROOMS = List.of("alpha");

  @Test
  void aListeningClientNoticesAPartitionByItsHeartbeatAndCatchesUpAfterIt(@TempDir Path dir)
      throws Exception {
    List<ConnectionState.Kind> states = new CopyOnWriteArrayList<>();
    ChatListener stateLog = new ChatListener() {
      @Override
      public void onConnectionState(ConnectionState state) {
        states.add(state.kind());
      }
    };
    try (SqliteServer server = SqliteServer.start(dir.resolve("natter.db"),
            SqliteServer.unlimitedSends().build(), new ChatServerListener() {});
        TcpProxy network = TcpProxy.to("127.0.0.1", server.port());
        Scenario scenario = new Scenario()) {
      CheckedClient alice = scenario.connect("alice", server.port());
      CheckedClient bob = scenario.connect("bob", server.port());
      CheckedClient listener = scenario.connect("listener", network.port(), stateLog,
          b -> b.heartbeat(Duration.ofMillis(500)).requestTimeout(Duration.ofSeconds(2)));
      List.of(alice, bob, listener).forEach(client -> ROOMS.forEach(client::join));

      Traffic traffic = Traffic.start(List.of(alice, bob), ROOMS, 10, 100);
      try (traffic) {
        Scenario.await("traffic flows", () -> scenario.acked() >= 50);
        network.partition();
        Scenario.await("the heartbeat notices the partition",
            () -> states.contains(ConnectionState.Kind.RECONNECTING));
        long ackedInPartition = scenario.acked();
        Scenario.await("traffic flows meanwhile", () -> scenario.acked() >= ackedInPartition + 50);
        network.heal();
        Scenario.await("the listener is back",
            () -> states.get(states.size() - 1) == ConnectionState.Kind.CONNECTED);
        traffic.stop();
      }
      scenario.settle();
      server.stop();
      scenario.recordStore(dir.resolve("natter.db"), ROOMS);

      scenario.check();
      assertThat(states).as("no other way out than reconnecting")
          .doesNotContain(ConnectionState.Kind.CLOSED);
    }
  }
}
