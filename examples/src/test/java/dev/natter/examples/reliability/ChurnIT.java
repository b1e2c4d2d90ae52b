package dev.natter.examples.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatServerListener;
import dev.natter.chat.JoinResult;
import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.tck.reliability.CheckedClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 4: churn. Several threads connect, join, send, leave and disconnect over and over; each keeps
 * its last client. At the end the server's member lists, and a watcher's view built from presence
 * events, agree with what the clients did; the checker finds nothing lost; and once everyone is gone and
 * the server stopped, no session, thread or file handle is left over.
 */
class ChurnIT {
  private static final List<String> ROOMS = List.of("r0", "r1", "r2", "r3");
  private static final int THREADS = 6;
  private static final int ROUNDS = 12;

  @Test
  void membershipPresenceAndResourcesAgreeAfterChurn(@TempDir Path dir) throws Exception {
    warmUp(dir.resolve("warm-up.db"));
    Set<String> threadsBefore = threadNames();
    long filesBefore = openFiles();

    Map<String, Set<String>> seenByWatcher = new ConcurrentHashMap<>();
    ChatListener presence = new ChatListener() {
      @Override
      public void onPresence(Presence p) {
        Set<String> members = seenByWatcher.computeIfAbsent(p.room(), r -> ConcurrentHashMap.newKeySet());
        if (p.event() == Presence.Event.JOIN) {
          members.add(p.user().id());
        } else {
          members.remove(p.user().id());
        }
      }
    };
    try (SqliteServer server = SqliteServer.start(dir.resolve("natter.db"),
            SqliteServer.unlimitedSends().presenceGrace(Duration.ofMillis(100)).build(),
            new ChatServerListener() {});
        Scenario scenario = new Scenario()) {
      CheckedClient watcher = scenario.connect("watcher", server.port(), presence);
      for (String room : ROOMS) {
        JoinResult joined = watcher.join(room);
        seenByWatcher.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet())
            .addAll(joined.members().stream().map(User::id).toList());
      }

      Map<String, Set<String>> expected = new TreeMap<>();
      ROOMS.forEach(room -> expected.put(room, new TreeSet<>(Set.of("watcher"))));
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<Map<String, Set<String>>>> stays = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          stays.add(pool.submit(() -> churn(scenario, server.port(), thread)));
        }
        for (Future<Map<String, Set<String>>> stay : stays) {
          stay.get().forEach((room, users) -> expected.get(room).addAll(users));
        }
      } finally {
        pool.shutdown();
      }

      Scenario.await("the server's members are what the clients did",
          () -> ROOMS.stream().allMatch(room -> ids(server.server().members(room)).equals(expected.get(room))));
      Scenario.await("the watcher's presence view is what the clients did",
          () -> ROOMS.stream().allMatch(room -> new TreeSet<>(seenByWatcher.get(room)).equals(expected.get(room))));
        scenario.settle();
      scenario.check();

      scenario.stopClients();
      Scenario.await("no session is left", () -> server.server().onlineUsers().isEmpty()
          && ROOMS.stream().allMatch(room -> server.server().members(room).isEmpty()));
      server.stop();
    }
    // The server's threads end with it. The client transport keeps idle pool threads for a minute (its
    // connect pool and Tyrus's reading pool); they are few, however many connections came and went.
    Scenario.await("only idle client pool threads are left: " + leftOver(threadsBefore),
        () -> leftOver(threadsBefore).stream().allMatch(ChurnIT::isClientPoolThread));
    assertThat(leftOver(threadsBefore)).as("threads left over after %d connections", THREADS * ROUNDS)
        .hasSizeLessThanOrEqualTo(2 * THREADS + 4);
    // Class loading and the JIT may open a file or two for good; a leak per connection would be ~100.
    Scenario.await("no file handle is left over", () -> openFiles() <= filesBefore + 5);
  }

  /** One thread's churn: rounds of connect, join, send, leave one room, close; the last client stays. */
  private static Map<String, Set<String>> churn(Scenario scenario, int port, int thread) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Map<String, Set<String>> stays = new TreeMap<>();
    for (int round = 0; round < ROUNDS; round++) {
      String name = "t" + thread + "r" + round;
      CheckedClient client = scenario.connect(name, port);
      List<String> rooms = new ArrayList<>(ROOMS);
      Collections.shuffle(rooms, random);
      List<String> joined = rooms.subList(0, 1 + random.nextInt(ROOMS.size() - 1));
      joined.forEach(client::join);
      joined.forEach(room -> client.send(room, 50).join());
      String left = joined.get(random.nextInt(joined.size()));
      client.leave(left);
      if (round < ROUNDS - 1) {
        client.close();
      } else {
        joined.stream().filter(room -> !room.equals(left))
            .forEach(room -> stays.computeIfAbsent(room, r -> new TreeSet<>()).add(name));
      }
    }
    return stays;
  }

  /** Runs a server and a client once, so the classes, files and pools that live for good exist before counting. */
  private static void warmUp(Path database) throws Exception {
    try (SqliteServer server = SqliteServer.start(database, SqliteServer.unlimitedSends().build(),
            new ChatServerListener() {});
        Scenario scenario = new Scenario()) {
      scenario.connect("warm", server.port()).join("r0");
    }
  }

  private static Set<String> ids(List<User> users) {
    return users.stream().map(User::id).collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .collect(Collectors.toSet());
  }

  /** Threads alive now that were not before, leaving out the JVM's own (JIT compilers, attach). */
  private static Set<String> leftOver(Set<String> before) {
    return threadNames().stream().filter(name -> !before.contains(name))
        .filter(name -> !name.startsWith("C1 ") && !name.startsWith("C2 ") && !name.startsWith("Attach"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static boolean isClientPoolThread(String name) {
    return name.matches("natter-ws-connect-\\d+|Grizzly\\(\\d+\\)");
  }

  private static long openFiles() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new AssertionError("cannot count open files", e);
    }
  }
}
