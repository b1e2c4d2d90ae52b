package dev.natter.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * The driver's connections, opened and closed in bulk. At most {@value #HANDSHAKES} handshakes are
 * under way at once, so that thousands of clients do not all knock on the server's accept queue in the
 * same millisecond. The connections are spread over one JDK {@link HttpClient} per core: each has one
 * selector thread, which would otherwise read every connection.
 */
final class ClientFleet implements AutoCloseable {
  static final int HANDSHAKES = 64;
  private static final long TIMEOUT_SECONDS = 120;

  private final List<HttpClient> https = new ArrayList<>();
  private final List<DriverClient> clients = new ArrayList<>();

  ClientFleet() {
    int count = Math.max(1, Runtime.getRuntime().availableProcessors());
    for (int i = 0; i < count; i++) {
      https.add(HttpClient.newHttpClient());
    }
  }

  /**
   * Connects {@code count} clients, numbered {@code first} onwards: client {@code i} connects to
   * {@code uri.apply(i)}, says hello as
   * {@code name.apply(i)} and joins {@code room.apply(i)}. Returns them in order once every one joined.
   *
   * @throws IOException naming the first failure when any client could not connect, say hello or join
   */
  List<DriverClient> connect(IntFunction<URI> uri, int first, int count, IntFunction<String> name,
      IntFunction<String> room, DriverClient.Handler handler) throws IOException, InterruptedException {
    Semaphore handshakes = new Semaphore(HANDSHAKES);
    List<CompletableFuture<DriverClient>> pending = new ArrayList<>(count);
    for (int i = first; i < first + count; i++) {
      handshakes.acquire();
      HttpClient http = https.get(i % https.size());
      pending.add(DriverClient.connect(http, uri.apply(i), i, name.apply(i), room.apply(i), handler)
          .whenComplete((client, failure) -> handshakes.release()));
    }
    List<DriverClient> connected = new ArrayList<>(count);
    for (CompletableFuture<DriverClient> future : pending) {
      connected.add(await(future, "connecting"));
    }
    synchronized (clients) {
      clients.addAll(connected);
    }
    return connected;
  }

  /**
   * Pings every client and waits for every pong: then every frame the server queued for them before
   * (the presence storm of a big room's joins, say) has arrived.
   */
  static void settle(List<DriverClient> clients) throws IOException, InterruptedException {
    List<CompletableFuture<Void>> pongs = new ArrayList<>(clients.size());
    for (DriverClient client : clients) {
      pongs.add(client.ping());
    }
    for (CompletableFuture<Void> pong : pongs) {
      await(pong, "ping");
    }
  }

  /** Closes every client with 1000, waiting up to 10 s for the close frames to be sent. */
  @Override
  public void close() {
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    synchronized (clients) {
      clients.forEach(client -> closing.add(client.close()));
      clients.clear();
    }
    try {
      CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // the process ends soon after; a server that did not hear a close ends the session by itself
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> T await(CompletableFuture<T> future, String what) throws IOException, InterruptedException {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
          ? e.getCause().getCause() : e.getCause();
      throw new IOException(what + " failed: " + describe(cause), cause);
    } catch (TimeoutException e) {
      throw new IOException(what + " did not finish within " + TIMEOUT_SECONDS + " s", e);
    }
  }

  // The JDK's connect failures often carry their reason only in a cause ("Connection refused").
  private static String describe(Throwable failure) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = failure; t != null && out.length() < 500; t = t.getCause()) {
      out.append(out.length() == 0 ? "" : "; caused by ").append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        out.append(": ").append(t.getMessage());
      }
    }
    return out.toString();
  }
}
