package dev.natter.chat.tck.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in the test's JVM, between clients and a server, that can cut, stall and delay the
 * connections through it. It listens on 127.0.0.1 on a free port and connects each client to the
 * target anew.
 *
 * <ul>
 *   <li>{@link #cutAll()} resets every open connection at once, both sides, as a network failure would
 *       (the peers see a reset or an end of stream, never a close frame);
 *   <li>{@link #stallToClients()} stops passing the server's bytes to the clients, as a client that
 *       stops reading would; the server's writes then back up; {@link #resume()} lets them flow again;
 *   <li>{@link #partition()} stalls both ways and resets new connections, as a network partition
 *       would: nobody sees an error until it times out; {@link #heal()} ends it;
 *   <li>{@link #delay(Duration)} holds each chunk of bytes that long before passing it on;
 *   <li>{@link #refuseNew(boolean)} resets new connections at once, to keep clients away for a while;
 *   <li>{@link #retarget(String, int)} sends new connections to another address, as a load balancer
 *       would after a server restarted elsewhere.
 * </ul>
 *
 * <p>Two threads per connection pump the bytes, one per direction. {@link #close()} cuts everything and
 * stops listening.
 */
public final class TcpProxy implements AutoCloseable {
  /** Small socket buffers toward a stalled side, so a stall backs up the server within a few frames. */
  private static final int STALL_BUFFER_BYTES = 16 * 1024;

  private volatile InetSocketAddress target;
  private final ServerSocket listener;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Object gate = new Object();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean stalledToClients;
  private volatile boolean stalledToServer;
  private volatile boolean refusing;
  private volatile long delayNanos;
  private volatile boolean closed;

  private TcpProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a proxy to {@code host:port}. */
  public static TcpProxy to(String host, int port) {
    try {
      return new TcpProxy(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port clients connect to, on 127.0.0.1. */
  public int port() {
    return listener.getLocalPort();
  }

  /** How many connections the proxy accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Connects new connections to {@code host:port} from now on; open ones stay where they are. */
  public void retarget(String host, int port) {
    target = new InetSocketAddress(host, port);
  }

  /** Resets every open connection, both sides. New connections are still accepted. */
  public void cutAll() {
    for (Socket socket : sockets) {
      reset(socket);
    }
  }

  /** Stops passing the server's bytes to the clients until {@link #resume()}. */
  public void stallToClients() {
    stalledToClients = true;
  }

  /** Passes bytes again after {@link #stallToClients()} or {@link #partition()}. */
  public void resume() {
    synchronized (gate) {
      stalledToClients = false;
      stalledToServer = false;
      gate.notifyAll();
    }
  }

  /** Stalls every open connection both ways and resets new ones, until {@link #heal()}. */
  public void partition() {
    refusing = true;
    stalledToServer = true;
    stalledToClients = true;
  }

  /** Ends a {@link #partition()}: bytes flow again and new connections are proxied. */
  public void heal() {
    refusing = false;
    resume();
  }

  /** Holds every chunk of bytes for {@code delay} before passing it on; zero passes them at once. */
  public void delay(Duration delay) {
    delayNanos = delay.toNanos();
  }

  /** Whether new connections are reset at once rather than proxied. */
  public void refuseNew(boolean refuse) {
    refusing = refuse;
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    cutAll();
    resume();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      // A connection accepted as the proxy closed (the JDK may finish an accept under way) is reset too.
      if (refusing || closed) {
        reset(client);
        continue;
      }
      accepted.incrementAndGet();
      try {
        client.setSendBufferSize(STALL_BUFFER_BYTES);
        Socket server = new Socket();
        server.setReceiveBufferSize(STALL_BUFFER_BYTES);
        server.connect(target, 10_000);
        sockets.add(client);
        sockets.add(server);
        pump(server, client, true);
        pump(client, server, false);
      } catch (IOException e) {
        reset(client);
      }
    }
  }

  private void pump(Socket from, Socket to, boolean toClient) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int read;
        while ((read = in.read(buffer)) >= 0) {
          awaitPassing(toClient);
          out.write(buffer, 0, read);
          out.flush();
        }
        // One side ended its stream: end the connection on both sides, gracefully.
        quietClose(from);
        quietClose(to);
      } catch (IOException | InterruptedException e) {
        // a cut, or the other side went away: end both at once
        reset(from);
        reset(to);
      } finally {
        sockets.remove(from);
        sockets.remove(to);
      }
    }, "tcp-proxy-" + (toClient ? "down-" : "up-") + from.getPort());
    thread.setDaemon(true);
    thread.start();
  }

  private void awaitPassing(boolean toClient) throws InterruptedException {
    long delay = delayNanos;
    if (delay > 0) {
      Thread.sleep(delay / 1_000_000, (int) (delay % 1_000_000)); // the delay is the point
    }
    synchronized (gate) {
      while ((toClient ? stalledToClients : stalledToServer) && !closed) {
        gate.wait();
      }
    }
  }

  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0); // close with a reset, not a graceful end
    } catch (SocketException ignored) {
      // already closed
    }
    quietClose(socket);
  }

  private static void quietClose(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
