package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatServer;
import dev.natter.chat.Limits;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ServerFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Plays a {@link FuzzScript} against a server on a {@link FakeServerTransport} and checks every frame
 * that comes back with {@link DeliveryInvariants}.
 *
 * <p>The engine runs on the calling thread ({@code Runnable::run}) with an in-memory store and a manual
 * clock, so a step's whole effect, every reply and delivery, has happened when the step returns, and a
 * run repeats exactly. The hello timeout and the presence grace are an hour, so no timer fires during a
 * run either. The limits are small, so that a short script reaches them.
 */
final class ScriptRunner implements FuzzScript.Context, AutoCloseable {
  private static final Duration NEVER = Duration.ofHours(1);

  private final FakeServerTransport transport = new FakeServerTransport();
  private final ManualClock clock = new ManualClock(1_763_800_000_000L);
  private final DeliveryInvariants invariants = new DeliveryInvariants();
  private final ChatServer server;
  private final List<FakeConnection> open = new ArrayList<>();
  private final FakeConnection[] clients = new FakeConnection[FuzzScript.CLIENTS];
  private final String[] sessionTokens = new String[FuzzScript.CLIENTS];
  private final Map<String, String> epochs = new HashMap<>();
  private final Map<FakeConnection, List<ServerFrame>> seen = new HashMap<>();
  private int connections;
  private int ids;
  private String freshId;

  /** A server with anonymous names, or with {@link TokenAuthenticator} when {@code tokens}. */
  ScriptRunner(boolean tokens) {
    // Small enough that a script of 50 steps reaches them: full pages, too long texts, a full queue.
    Limits limits = Limits.defaults().toBuilder().helloTimeout(NEVER).presenceGrace(NEVER)
        .pageMax(4).maxTextChars(16).outboundQueueFrames(8).build();
    try {
      ChatServer.Builder builder = ChatServer.builder(transport).limits(limits).clock(clock).executor(Runnable::run);
      if (tokens) {
        builder.authenticator(new TokenAuthenticator());
      }
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Plays one step, then checks what it caused. */
  void play(FuzzScript.Step step) {
    int client = step.client();
    if (step.type().equals("tick")) {
      Long millis = step.number(0);
      clock.advance(millis == null ? 0 : Math.max(0, Math.min(millis, NEVER.toMillis() / 2)));
      return;
    }
    if (step.type().equals("stall")) {
      if (clients[client] != null) {
        clients[client].stall();
      }
      return;
    }
    if (step.type().equals("close")) {
      if (clients[client] != null) {
        Integer code = step.smallNumber(0);
        clients[client].clientClose(code == null ? 1000 : code);
        clients[client] = null;
      }
      return;
    }
    freshId = null;
    ClientFrame frame = FuzzScript.frame(step, this);
    if (frame == null) {
      return;
    }
    FakeConnection connection = client(client);
    if (freshId != null) {
      invariants.asked(connection, freshId);
    }
    connection.receive(frame);
    collect();
    if (freshId != null && connection.closeSoFar() == null) {
      assertThat(invariants.repliesTo(freshId)).as("replies to %s on an open connection", frame).isOne();
    }
  }

  // The client's connection; a new one when it has none or the server closed the last one.
  private FakeConnection client(int client) {
    if (clients[client] == null || clients[client].closeSoFar() != null) {
      clients[client] = transport.open("client" + client + "-" + ++connections);
      open.add(clients[client]);
    }
    return clients[client];
  }

  /** Checks every frame sent so far on every connection, and notes tokens and epochs for later steps. */
  void collect() {
    for (int i = 0; i < open.size(); i++) {
      FakeConnection connection = open.get(i);
      for (ServerFrame frame : connection.takeAll()) {
        seen.computeIfAbsent(connection, c -> new ArrayList<>()).add(frame);
        invariants.received(connection, frame);
        remember(connection, frame);
      }
    }
  }

  private void remember(FakeConnection connection, ServerFrame frame) {
    for (int c = 0; c < clients.length; c++) {
      if (clients[c] == connection) {
        if (frame instanceof ServerFrame.Welcome welcome) {
          sessionTokens[c] = welcome.session();
        } else if (frame instanceof ServerFrame.Joined joined) {
          epochs.put(c + " " + joined.room(), joined.epoch());
        }
      }
    }
  }

  /** A connection of the harness's own, outside the script, for the checks after it. */
  FakeConnection connect(String label) {
    FakeConnection connection = transport.open(label);
    open.add(connection);
    return connection;
  }

  /** Sends a request with a fresh id and checks what it caused; returns the id. */
  String request(FakeConnection connection, Function<String, ClientFrame> frame) {
    String id = freshId();
    invariants.asked(connection, id);
    connection.receive(frame.apply(id));
    collect();
    return id;
  }

  /** Every frame a connection received so far. */
  List<ServerFrame> seen(FakeConnection connection) {
    return seen.getOrDefault(connection, List.of());
  }

  @Override
  public String freshId() {
    // No script field holds a '|', so a script cannot reuse this id.
    freshId = "auto|" + ++ids;
    return freshId;
  }

  @Override
  public String sessionToken(int client) {
    return sessionTokens[client];
  }

  @Override
  public String epoch(int client, String room) {
    return epochs.get(client + " " + room);
  }

  @Override
  public void close() {
    server.close();
  }
}
