package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fuzzes the engine's request handling: up to {@value FuzzScript#MAX_STEPS} steps of up to {@value
 * FuzzScript#CLIENTS} clients, any frames the SPI's records can hold, in any order (docs/fuzzing.md).
 *
 * <p>Properties: nothing the clients send makes the engine throw (no {@code internal} error, nothing
 * logged at WARNING or worse); every request gets one reply with its id while its connection is open, and
 * never more; delivery keeps {@link DeliveryInvariants}; and afterwards two new clients can still say
 * hello, join a room and exchange a message.
 *
 * <p>In a normal build this runs once per script under {@code EngineFuzzTestInputs/requests/}; with
 * {@code JAZZER_FUZZ=1} Jazzer mutates them for {@code maxDuration}.
 */
class EngineFuzzTest {

  @FuzzTest(maxDuration = "5m")
  void requests(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    List<FuzzScript.Step> script = FuzzScript.parse(text);
    LoggedProblems logged = new LoggedProblems();
    try (logged; ScriptRunner runner = new ScriptRunner(FuzzScript.usesTokens(text))) {
      for (FuzzScript.Step step : script) {
        runner.play(step);
      }
      twoNewClientsCanChat(runner, takenNames(script));
    }
    // After the close too: shutting down must not fail either.
    assertThat(logged.problems()).as("what the engine logged").isEmpty();
  }

  private static void twoNewClientsCanChat(ScriptRunner runner, Set<String> taken) {
    FakeConnection first = runner.connect("after-1");
    FakeConnection second = runner.connect("after-2");
    String firstName = freeName("first", taken);
    String secondName = freeName("second", taken);

    assertReply(runner, first, runner.request(first, id -> new ClientFrame.Hello(id, 1, firstName, null, null)),
        ServerFrame.Welcome.class);
    assertReply(runner, first, runner.request(first, id -> new ClientFrame.Join(id, "lobby", null, null, null)),
        ServerFrame.Joined.class);
    assertReply(runner, second, runner.request(second, id -> new ClientFrame.Hello(id, 1, secondName, null, null)),
        ServerFrame.Welcome.class);
    assertReply(runner, second, runner.request(second, id -> new ClientFrame.Join(id, "lobby", null, null, null)),
        ServerFrame.Joined.class);
    assertReply(runner, second, runner.request(second, id -> new ClientFrame.Send(id, "lobby", null, "still here", null)),
        ServerFrame.SendOk.class);

    assertThat(runner.seen(first))
        .as("what %s received", firstName)
        .anySatisfy(frame -> assertThat(frame)
            .isInstanceOfSatisfying(ServerFrame.MessageEvent.class,
                event -> assertThat(event.message().text()).isEqualTo("still here")));
  }

  private static void assertReply(
      ScriptRunner runner, FakeConnection connection, String id, Class<? extends ServerFrame> type) {
    assertThat(runner.seen(connection))
        .filteredOn(frame -> id.equals(frame.id()))
        .singleElement()
        .isInstanceOf(type);
  }

  // The anonymous authenticator gives a name one session at a time: the script's users may still be on.
  private static Set<String> takenNames(List<FuzzScript.Step> script) {
    return script.stream()
        .filter(step -> step.type().equals("hello"))
        .map(step -> step.field(2))
        .filter(Objects::nonNull)
        .map(name -> name.toLowerCase(Locale.ROOT))
        .collect(Collectors.toSet());
  }

  private static String freeName(String base, Set<String> taken) {
    String name = base;
    for (int i = 2; taken.contains(name); i++) {
      name = base + i;
    }
    return name;
  }
}
