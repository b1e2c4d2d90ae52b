package dev.natter.chat.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ReconnectPolicy;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ServerFrame;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The client's heartbeat: a connection silent for the interval gets a ping; a pong, or any frame, keeps
 * it; no answer within the request timeout gives it up, and the client reconnects.
 */
class HeartbeatTest {
  private static final Duration INTERVAL = Duration.ofSeconds(25);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final ScriptedTransport transport = new ScriptedTransport();
  private final ManualScheduler clock = new ManualScheduler();
  private final EventLog events = new EventLog();

  private DefaultChatClient connected(Duration heartbeat) {
    DefaultChatClient client = new DefaultChatClient(transport, "alice", null, null, events, Runnable::run,
        REQUEST_TIMEOUT, heartbeat, ReconnectPolicy.defaults().withJitter(0), clock, () -> 0.0);
    client.connect();
    transport.last().welcome("s1", false);
    events.take();
    return client;
  }

  @Test
  void aSilentConnectionIsPingedAndKeptWhenThePongComes() {
    connected(INTERVAL);
    clock.advance(INTERVAL.minusSeconds(1));
    assertThat(transport.last().received).as("not yet silent for the interval").isEmpty();

    clock.advance(Duration.ofSeconds(2));
    ClientFrame.Ping ping = transport.last().take(ClientFrame.Ping.class);
    transport.last().push(new ServerFrame.Pong(ping.id()));
    clock.advance(REQUEST_TIMEOUT);

    assertThat(transport.last().closedWith).isNull();
    assertThat(transport.attempts()).isEqualTo(1);
    assertThat(events.take()).isEmpty();
  }

  @Test
  void anyFrameFromTheServerCountsAsLife() {
    connected(INTERVAL);
    for (int i = 0; i < 5; i++) {
      clock.advance(INTERVAL.minusSeconds(2));
      transport.last().push(new ServerFrame.Pong("unasked"));
    }

    assertThat(transport.last().received).as("never silent for the interval").isEmpty();
  }

  @Test
  void noPongWithinTheRequestTimeoutGivesTheConnectionUpAndReconnects() {
    connected(INTERVAL);
    clock.advance(INTERVAL.plusSeconds(1));
    ScriptedTransport.Conn silent = transport.last();
    silent.take(ClientFrame.Ping.class);

    clock.advance(REQUEST_TIMEOUT.plusSeconds(1));

    assertThat(silent.closedWith).as("the client closed the silent connection").isNotNull();
    assertThat(transport.attempts()).as("and opened another").isEqualTo(2);
    List<String> happened = events.take();
    assertThat(happened).anySatisfy(e -> assertThat(e).startsWith("disconnected 1006"))
        .anySatisfy(e -> assertThat(e).startsWith("RECONNECTING 1"));
  }

  @Test
  void aZeroIntervalSendsNoPing() {
    connected(Duration.ZERO);
    clock.advance(Duration.ofMinutes(10));

    assertThat(transport.last().received).isEmpty();
    assertThat(transport.last().closedWith).isNull();
  }

  @Test
  void aNegativeIntervalIsRefused() {
    Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> ChatClient.builder(transport).heartbeat(Duration.ofSeconds(-1)))
        .withMessageContaining("heartbeat");
  }
}
