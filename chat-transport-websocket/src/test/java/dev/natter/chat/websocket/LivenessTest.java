package dev.natter.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natter.chat.Limits;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transport's heartbeat (docs/protocol.md §6): a peer that stops answering pings is dropped, and
 * after the presence grace period the others see it leave with reason {@code disconnect}; a peer that is
 * idle but answers pings stays, however long it is quiet. Short intervals make this quick.
 */
class LivenessTest {
  private static final Duration PING_INTERVAL = Duration.ofMillis(100);
  private static final Duration DEAD_PEER_TIMEOUT = Duration.ofMillis(300);
  private static final Duration PRESENCE_GRACE = Duration.ofMillis(100);
  /**
   * A peer is pinged only after PING_INTERVAL of silence since its last sign of life, so this many pings
   * span more than DEAD_PEER_TIMEOUT plus PRESENCE_GRACE: long enough for a wrong drop to show.
   */
  private static final int PINGS_TO_OUTLIVE = 6;

  private Bystanders chat;

  @BeforeEach
  void start() {
    WebSocketServerTransport transport = WebSocketServerTransport.forPort(0)
        .pingInterval(PING_INTERVAL)
        .deadPeerTimeout(DEAD_PEER_TIMEOUT)
        .build();
    chat = Bystanders.start(transport, Limits.defaults().toBuilder().presenceGrace(PRESENCE_GRACE).build());
  }

  @AfterEach
  void stop() {
    chat.close();
  }

  @Test
  void aPeerThatStopsAnsweringPingsLeavesWithReasonDisconnect() {
    RawSocket zombie = chat.openRaw();
    zombie.sendText("{\"type\":\"hello\",\"id\":\"h\",\"v\":1,\"name\":\"zombie\"}");
    zombie.sendText("{\"type\":\"join\",\"id\":\"j\",\"room\":\"general\"}");
    JsonNode zombieUser = JdkSocket.parse("{\"id\":\"zombie\",\"name\":\"zombie\"}");
    // From here on the zombie reads nothing and answers nothing, but keeps its socket open.

    for (JdkSocket bystander : new JdkSocket[] {chat.alice, chat.bob}) {
      assertThat(bystander.next("presence")).isEqualTo(JdkSocket.parse(
          "{\"type\":\"presence\",\"room\":\"general\",\"event\":\"join\",\"user\":" + zombieUser + "}"));
    }
    for (JdkSocket bystander : new JdkSocket[] {chat.alice, chat.bob}) {
      assertThat(bystander.next("presence")).isEqualTo(JdkSocket.parse("{\"type\":\"presence\",\"room\":\"general\","
          + "\"event\":\"leave\",\"user\":" + zombieUser + ",\"reason\":\"disconnect\"}"));
    }
    // The server did hang up on the zombie, and counts it gone.
    zombie.awaitEnd();
    chat.awaitOffline("zombie");
    chat.bob.send("{\"type\":\"members\",\"id\":\"m\",\"room\":\"general\"}");
    assertThat(chat.bob.next("members").get("members")).containsExactlyInAnyOrder(
        Bystanders.ALICE, JdkSocket.parse("{\"id\":\"bob\",\"name\":\"bob\"}"));
    // The leave came exactly once: with the connection's end handled every way it can be (heartbeat,
    // close, grace period), the next frame at alice and at bob is alice's next message, not a leave.
    chat.assertStillChatting();
    zombie.close();
  }

  @Test
  void anIdleJdkClientThatAnswersPingsStays() {
    JdkSocket carol = chat.connect("carol");
    carol.send("{\"type\":\"join\",\"id\":\"j\",\"room\":\"general\"}");
    carol.next("joined");
    chat.alice.next("presence");
    chat.bob.next("presence");

    carol.awaitPings(PINGS_TO_OUTLIVE);

    assertThat(carol.isClosed()).isFalse();
    carol.send("{\"type\":\"members\",\"id\":\"m\",\"room\":\"general\"}");
    assertThat(carol.next("members").get("members"))
        .contains(JdkSocket.parse("{\"id\":\"carol\",\"name\":\"carol\"}"));
    // No leave reached the others: bob's next frame is alice's next message.
    chat.assertStillChatting();
    assertThat(carol.next("message").get("from")).isEqualTo(Bystanders.ALICE);
  }

  @Test
  void anIdleRawPeerThatAnswersPingsWithPongsStays() {
    RawSocket dave = chat.openRaw();
    dave.hello("dave");
    dave.sendText("{\"type\":\"join\",\"id\":\"j\",\"room\":\"general\"}");
    assertThat(dave.nextJson().get("type").asText()).isEqualTo("joined");
    chat.alice.next("presence");
    chat.bob.next("presence");

    int pings = 0;
    while (pings < PINGS_TO_OUTLIVE) {
      RawSocket.Frame frame = dave.next();
      assertThat(frame.opcode()).as("only pings come to an idle peer: %s", frame.text()).isEqualTo(RawSocket.PING);
      dave.pong(frame);
      pings++;
    }

    dave.sendText("{\"type\":\"members\",\"id\":\"m\",\"room\":\"general\"}");
    JsonNode members = dave.nextJson();
    assertThat(members.get("type").asText()).isEqualTo("members");
    assertThat(members.get("members")).contains(JdkSocket.parse("{\"id\":\"dave\",\"name\":\"dave\"}"));
    chat.assertStillChatting();
    dave.close();
  }
}
