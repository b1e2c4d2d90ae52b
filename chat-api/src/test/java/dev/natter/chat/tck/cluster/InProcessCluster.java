package dev.natter.chat.tck.cluster;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.Presence;
import dev.natter.chat.internal.cluster.MemoryDirectory;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.spi.cluster.ClusterListener;
import dev.natter.chat.spi.cluster.MembershipDirectory;
import dev.natter.chat.spi.cluster.MessageBus;
import dev.natter.chat.spi.cluster.PresenceChange;
import dev.natter.chat.spi.cluster.SessionDirectory;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * Several nodes of one cluster in one JVM, for tests of the engine across nodes without Redis: each
 * {@link #node node} is a {@link Cluster} to give to its own {@code ChatServer}, and every node shares
 * this hub's sessions, memberships and mutes (one {@link MemoryDirectory}) and its bus.
 *
 * <pre>{@code
 * try (InProcessCluster hub = InProcessCluster.create()) {
 *   HistoryStore store = HistoryStore.inMemory();   // shared, like the nodes' PostgreSQL
 *   ChatServer n1 = ChatServer.builder(transport1).historyStore(store).cluster(hub.node("n1")).build();
 *   ChatServer n2 = ChatServer.builder(transport2).historyStore(store).cluster(hub.node("n2")).build();
 *   hub.messageFaults().dropNext(1);                 // n2 must find the lost message in the store
 *   ...
 * }
 * }</pre>
 *
 * <p>It behaves as the SPI promises, like a cluster over Redis would:
 *
 * <ul>
 *   <li>a presence change made by a node reaches the nodes that {@linkplain MessageBus#follow follow}
 *       its room, the maker excepted;
 *   <li>a message {@linkplain MessageBus#publish published} by a node reaches the other nodes that
 *       follow its room, or for a direct message that follow either of its users;
 *   <li>a session resumed on another node is reported taken over to the node that held it; a user's
 *       {@linkplain SessionDirectory#disconnect disconnect} is reported to every other node;
 *   <li>each node hears its notices on an executor of its own (one thread, in the order handed over),
 *       never on the thread that made the call;
 *   <li>a node hears nothing before it started or after it closed.
 * </ul>
 *
 * <p>The bus can be made lossy, slow or reordering for fault tests: {@link #messageFaults()} and
 * {@link #presenceFaults()}. {@link #endSessionsOf} plays a reaper after a node's death and
 * {@link #catchUp()} the catch-up that follows it.
 */
public final class InProcessCluster implements AutoCloseable {
  private final MemoryDirectory directory = new MemoryDirectory(new HubNotices());
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "natter-inprocess-cluster-delays");
    thread.setDaemon(true);
    return thread;
  });
  private final BusFaults messageFaults = new BusFaults(timer);
  private final BusFaults presenceFaults = new BusFaults(timer);
  private volatile boolean closed;

  private InProcessCluster() {}

  /** A hub with no node, nothing in its directory and no fault. */
  public static InProcessCluster create() {
    return new InProcessCluster();
  }

  /**
   * A new node of this cluster, not started. Its {@link Cluster#close()} takes it out of the hub; its
   * id may then be used again (a restarted node). Its sessions stay in the directory until ended.
   *
   * @throws IllegalArgumentException when a node with this id is open
   * @throws IllegalStateException when the hub is closed
   */
  public Cluster node(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    if (closed) {
      throw new IllegalStateException("the in-process cluster is closed");
    }
    Node node = new Node(nodeId);
    if (nodes.putIfAbsent(nodeId, node) != null) {
      node.executor.shutdown();
      throw new IllegalArgumentException("a node " + nodeId + " is open already");
    }
    return node;
  }

  /** The faults injected into published messages. */
  public BusFaults messageFaults() {
    return messageFaults;
  }

  /** The faults injected into presence changes sent to the followers of a room. */
  public BusFaults presenceFaults() {
    return presenceFaults;
  }

  /**
   * Ends every session that node {@code nodeId} holds, as the reaper of a dead node does: the other
   * nodes hear the presence changes.
   */
  public SessionDirectory.Ended endSessionsOf(String nodeId, Presence.Reason reason) {
    return directory.endSessionsOf(nodeId, reason);
  }

  /** Tells every started node that the bus may have lost traffic ({@link ClusterListener#catchUp()}). */
  public void catchUp() {
    nodes.values().forEach(node -> node.hand(ClusterListener::catchUp));
  }

  /** Closes every node and stops the delays. Idempotent. */
  @Override
  public void close() {
    closed = true;
    List.copyOf(nodes.values()).forEach(Node::close);
    messageFaults.clear();
    presenceFaults.clear();
    timer.shutdownNow();
  }

  @Override
  public String toString() {
    return "InProcessCluster" + nodes.keySet();
  }

  /** Routes the directory's notices to the nodes' listeners. */
  private final class HubNotices implements MemoryDirectory.Notices {
    @Override
    public void presence(PresenceChange change, String origin) {
      String room = change.presence().room();
      for (Node node : nodes.values()) {
        if (!node.id.equals(origin) && node.rooms.contains(room)) {
          presenceFaults.route(() -> node.hand(listener -> listener.presenceArrived(change)));
        }
      }
    }

    @Override
    public void takenOver(String sessionId, String owner) {
      Node node = nodes.get(owner);
      if (node != null) {
        node.hand(listener -> listener.sessionTakenOver(sessionId));
      }
    }

    @Override
    public void disconnected(String userId, String origin) {
      for (Node node : nodes.values()) {
        if (!node.id.equals(origin)) {
          node.hand(listener -> listener.userDisconnected(userId));
        }
      }
    }
  }

  private final class Node implements Cluster {
    final String id;
    final ExecutorService executor;
    final Set<String> rooms = ConcurrentHashMap.newKeySet();
    final Set<String> users = ConcurrentHashMap.newKeySet();
    private final SessionDirectory sessions;
    private final MembershipDirectory memberships;
    private final MessageBus bus = new NodeBus();
    private volatile ClusterListener listener;
    private volatile boolean nodeClosed;

    Node(String id) {
      this.id = id;
      this.sessions = directory.sessions(id);
      this.memberships = directory.memberships(id);
      this.executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "natter-inprocess-cluster-" + id);
        thread.setDaemon(true);
        return thread;
      });
    }

    /** Runs a callback on this node's listener, on its executor; nothing once closed or unstarted. */
    void hand(Consumer<ClusterListener> callback) {
      ClusterListener target = listener;
      if (target == null || nodeClosed) {
        return;
      }
      try {
        executor.execute(() -> {
          if (!nodeClosed) {
            callback.accept(target);
          }
        });
      } catch (RejectedExecutionException closing) {
        // Closed meanwhile: nothing to deliver to.
      }
    }

    @Override
    public synchronized void start(ClusterListener listener) {
      Objects.requireNonNull(listener, "listener");
      if (nodeClosed) {
        throw new IllegalStateException("node " + id + " is closed");
      }
      if (this.listener != null) {
        throw new IllegalStateException("node " + id + " started already");
      }
      this.listener = listener;
    }

    @Override
    public String nodeId() {
      return id;
    }

    @Override
    public boolean soleWriter() {
      return false;
    }

    @Override
    public boolean requiresSharedStore() {
      return true;
    }

    @Override
    public void checkWritable() {}

    @Override
    public SessionDirectory sessions() {
      return sessions;
    }

    @Override
    public MembershipDirectory memberships() {
      return memberships;
    }

    @Override
    public MessageBus bus() {
      return bus;
    }

    @Override
    public synchronized void close() {
      if (nodeClosed) {
        return;
      }
      nodeClosed = true;
      nodes.remove(id, this);
      rooms.clear();
      users.clear();
      executor.shutdown();
    }

    @Override
    public String toString() {
      return "InProcessCluster node " + id;
    }

    private final class NodeBus implements MessageBus {
      @Override
      public void follow(String room) {
        rooms.add(room);
      }

      @Override
      public void unfollow(String room) {
        rooms.remove(room);
      }

      @Override
      public void followUser(String userId) {
        users.add(userId);
      }

      @Override
      public void unfollowUser(String userId) {
        users.remove(userId);
      }

      @Override
      public void publish(ChatMessage message) {
        if (nodeClosed) {
          return;
        }
        for (Node node : nodes.values()) {
          if (node != Node.this && follows(node, message)) {
            messageFaults.route(() -> node.hand(listener -> listener.messageArrived(message)));
          }
        }
      }

      private boolean follows(Node node, ChatMessage message) {
        if (message.to() == null) {
          return node.rooms.contains(message.room());
        }
        return node.users.contains(message.from().id()) || node.users.contains(message.to().id());
      }
    }
  }
}
