package dev.natter.chat.tck.reliability;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy passes bytes both ways, and cuts, stalls, delays and refuses on demand. */
class TcpProxyTest {
  private ServerSocket echoServer;
  private final AtomicInteger echoed = new AtomicInteger();
  private TcpProxy proxy;

  @BeforeEach
  void startEchoServerBehindProxy() throws IOException {
    echoServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!echoServer.isClosed()) {
        try {
          Socket socket = echoServer.accept();
          Thread echo = new Thread(() -> echo(socket), "echo");
          echo.setDaemon(true);
          echo.start();
        } catch (IOException closed) {
          return;
        }
      }
    }, "echo-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    proxy = TcpProxy.to("127.0.0.1", echoServer.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echoServer.close();
  }

  @Test
  void passesBytesBothWays() throws IOException {
    try (Socket client = connect()) {
      assertThat(roundTrip(client, "hello")).isEqualTo("hello");
      assertThat(proxy.accepted()).isEqualTo(1);
    }
  }

  @Test
  void aCutEndsTheConnectionAndTheNextOneWorks() throws IOException {
    try (Socket client = connect()) {
      roundTrip(client, "one");
      proxy.cutAll();
      assertThat(readEndsOrFails(client.getInputStream())).isTrue();
    }
    try (Socket again = connect()) {
      assertThat(roundTrip(again, "two")).isEqualTo("two");
    }
  }

  @Test
  void aStallHoldsTheServersBytesUntilResumed() throws Exception {
    try (Socket client = connect()) {
      roundTrip(client, "warm");
      // The echo counts after it wrote back: wait for the count, not just the echo.
      awaitTrue(() -> echoed.get() == "warm".length());
      int before = echoed.get();
      proxy.stallToClients();
      client.getOutputStream().write("held".getBytes(US_ASCII));
      awaitTrue(() -> echoed.get() > before); // the server got it and wrote it back

      assertThat(client.getInputStream().available()).isZero();

      proxy.resume();
      assertThat(new String(client.getInputStream().readNBytes(4), US_ASCII))
          .isEqualTo("held");
    }
  }

  @Test
  void aPartitionHoldsBothWaysAndRefusesNewConnectionsUntilHealed() throws Exception {
    try (Socket client = connect()) {
      roundTrip(client, "warm");
      // The echo counts after it wrote back: wait for the count, not just the echo.
      awaitTrue(() -> echoed.get() == "warm".length());
      int before = echoed.get();
      proxy.partition();
      client.getOutputStream().write("held".getBytes(US_ASCII));
      try (Socket refused = connect()) {
        assertThat(readEndsOrFails(refused.getInputStream())).as("a new connection is reset").isTrue();
      }
      assertThat(echoed.get()).as("the server got nothing").isEqualTo(before);

      proxy.heal();
      assertThat(new String(client.getInputStream().readNBytes(4), US_ASCII)).isEqualTo("held");
    }
  }

  @Test
  void aDelayedConnectionStillPassesEverything() throws IOException {
    proxy.delay(Duration.ofMillis(20));
    try (Socket client = connect()) {
      assertThat(roundTrip(client, "slow")).isEqualTo("slow");
    }
  }

  @Test
  void refusedConnectionsAreResetUntilAllowedAgain() throws IOException {
    proxy.refuseNew(true);
    try (Socket client = connect()) {
      assertThat(readEndsOrFails(client.getInputStream())).isTrue();
    }
    proxy.refuseNew(false);
    try (Socket client = connect()) {
      assertThat(roundTrip(client, "back")).isEqualTo("back");
    }
  }

  @Test
  void closeStopsListening() throws IOException {
    try (Socket client = connect()) {
      roundTrip(client, "one");
    }
    int port = proxy.port();
    proxy.close();

    // The port is free again, so the attempt usually fails; should anything else now answer on it (a
    // loopback connect can even meet itself), the proxy still takes no new connection.
    try (Socket late = new Socket(InetAddress.getLoopbackAddress(), port)) {
      late.setSoTimeout(200);
      late.getInputStream().read(); // gives a proxy that still accepted the time to count it
    } catch (IOException refusedOrNothingCame) {
      // expected
    }
    assertThat(proxy.accepted()).isEqualTo(1);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String roundTrip(Socket client, String text) throws IOException {
    byte[] bytes = text.getBytes(US_ASCII);
    client.getOutputStream().write(bytes);
    return new String(client.getInputStream().readNBytes(bytes.length), US_ASCII);
  }

  private static boolean readEndsOrFails(InputStream in) {
    try {
      return in.read() < 0;
    } catch (IOException reset) {
      return true;
    }
  }

  private void echo(Socket socket) {
    try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
      byte[] buffer = new byte[1024];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
        out.flush();
        echoed.addAndGet(read);
      }
    } catch (IOException e) {
      // the proxy cut it
    }
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(10); // polling a condition, with a deadline
    }
  }
}
