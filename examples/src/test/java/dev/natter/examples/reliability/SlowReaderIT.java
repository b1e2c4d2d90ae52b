package dev.natter.examples.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatServerListener;
import dev.natter.chat.Disconnect;
import dev.natter.chat.Presence;
import dev.natter.chat.tck.reliability.CheckedClient;
import dev.natter.chat.tck.reliability.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 3: one client stops reading (the proxy in front of it stops passing the server's bytes). The
 * server closes it with 4009 once its outbound queue is full, while the others keep their pace; when it
 * reads again it reconnects and catches up from history, missing nothing.
 */
class SlowReaderIT {
  private static final List<String> ROOMS = List.of("alpha");

  @Test
  void aClientThatStopsReadingIsClosedWith4009AndCatchesUpFromHistory(@TempDir Path dir) throws Exception {
    AtomicBoolean slowLeft = new AtomicBoolean();
    ChatServerListener leaves = new ChatServerListener() {
      @Override
      public void onPresence(Presence presence) {
        if (presence.event() == Presence.Event.LEAVE && presence.user().id().equals("slow")) {
          slowLeft.set(true);
        }
      }
    };
    List<Integer> slowCloseCodes = new CopyOnWriteArrayList<>();
    ChatListener slowDisconnects = new ChatListener() {
      @Override
      public void onDisconnected(Disconnect disconnect) {
        slowCloseCodes.add(disconnect.code());
      }
    };
    // A small outbound queue and a short grace period: the server drops the reader soon and says so.
    try (SqliteServer server = SqliteServer.start(dir.resolve("natter.db"), SqliteServer.unlimitedSends()
            .outboundQueueFrames(200).presenceGrace(Duration.ofMillis(200)).build(), leaves);
        TcpProxy slowLink = TcpProxy.to("127.0.0.1", server.port());
        Scenario scenario = new Scenario()) {
      CheckedClient alice = scenario.connect("alice", server.port());
      CheckedClient bob = scenario.connect("bob", server.port());
      CheckedClient slow = scenario.connect("slow", slowLink.port(), slowDisconnects);
      List.of(alice, bob, slow).forEach(client -> ROOMS.forEach(client::join));

      slowLink.stallToClients();
      Traffic traffic = Traffic.start(List.of(alice, bob), ROOMS, 2, 2000);
      try (traffic) {
        Scenario.await("the server drops the client that does not read", slowLeft::get);
        long ackedAtDrop = scenario.acked();
        Scenario.await("the others keep their pace", () -> scenario.acked() >= ackedAtDrop + 200);
        traffic.stop();
      }
      slowLink.resume();
      scenario.settle();
      server.stop();
      scenario.recordStore(dir.resolve("natter.db"), ROOMS);

      scenario.check();
      assertThat(slowCloseCodes).as("the first close the slow client saw").first().isEqualTo(4009);
    }
  }
}
