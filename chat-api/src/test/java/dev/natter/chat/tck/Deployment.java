package dev.natter.chat.tck;

import dev.natter.chat.ChatServer;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.spi.cluster.Cluster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One chat server as a test deploys it: a node per {@link Cluster} node, each on its own server
 * transport and its own opening of one store. {@link #server()} acts on all of them.
 */
public final class Deployment implements AutoCloseable {
  private final List<ChatServer> nodes;
  private final List<ServerTransport> transports;
  private final ChatServer server;

  private Deployment(List<ChatServer> nodes, List<ServerTransport> transports) {
    this.nodes = List.copyOf(nodes);
    this.transports = List.copyOf(transports);
    this.server = nodes.size() == 1 ? nodes.get(0) : new ServerNodes(nodes);
  }

  /**
   * Starts a server per cluster node, in order.
   *
   * @param store opens the store for one node; called once per node
   */
  public static Deployment start(List<Cluster> clusterNodes, Supplier<ServerTransport> transport,
      Supplier<HistoryStore> store, Consumer<ChatServer.Builder> configure) {
    List<ChatServer> nodes = new ArrayList<>();
    List<ServerTransport> transports = new ArrayList<>();
    try {
      for (Cluster node : clusterNodes) {
        ServerTransport serverTransport = transport.get();
        ChatServer.Builder builder = ChatServer.builder(serverTransport).historyStore(store.get()).cluster(node);
        configure.accept(builder);
        ChatServer started = builder.build();
        started.start();
        nodes.add(started);
        transports.add(serverTransport);
      }
    } catch (IOException | RuntimeException e) {
      nodes.forEach(ChatServer::close);
      throw new AssertionError("the server did not start", e);
    }
    return new Deployment(nodes, transports);
  }

  /** Every node as one server: the lifecycle on all, the server-side API on the last. */
  public ChatServer server() {
    return server;
  }

  /** Node {@code index}, counted from 0. */
  public ChatServer node(int index) {
    return nodes.get(index);
  }

  /** The server transport of node {@code index}. */
  public ServerTransport transport(int index) {
    return transports.get(index);
  }

  /** How many nodes. */
  public int size() {
    return nodes.size();
  }

  @Override
  public void close() {
    server.close();
  }
}
