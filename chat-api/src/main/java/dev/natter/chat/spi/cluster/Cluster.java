package dev.natter.chat.spi.cluster;

import dev.natter.chat.internal.cluster.StandaloneCluster;

/**
 * The cluster a server is a node of: its {@link SessionDirectory}, {@link MembershipDirectory} and
 * {@link MessageBus}. Nodes never talk to each other directly; they share the cluster's state and one
 * history store.
 *
 * <p>Calls may block up to the cluster's operation timeout and then throw a
 * {@link dev.natter.chat.ChatException} with code {@code internal}; the engine never calls them while
 * holding a room's lock. Callbacks to the {@link ClusterListener} never run on the caller's thread of a
 * directory call.
 *
 * <p>Lifecycle: the server calls {@link #start} once as it starts and {@link #close} once it stopped.
 * Implementations are thread-safe.
 */
public interface Cluster extends AutoCloseable {

  /**
   * A cluster of one: sessions, memberships and mutes in this process's memory, no bus. The default of
   * {@link dev.natter.chat.ChatServer.Builder}; a new instance for each server.
   */
  static Cluster standalone() {
    return new StandaloneCluster();
  }

  /**
   * Joins the cluster. From now on the cluster reports other nodes' traffic to {@code listener}.
   *
   * @throws java.io.IOException when the cluster cannot be reached
   * @throws IllegalStateException when already started
   */
  void start(ClusterListener listener) throws java.io.IOException;

  /** This node's id, unique in the cluster while it runs. */
  String nodeId();

  /**
   * Whether this node is the only one appending to its history store. Only then may the engine trust
   * its own memory of recent {@code cid}s without asking the store.
   */
  boolean soleWriter();

  /**
   * Whether the history store must be shared ({@link dev.natter.chat.spi.HistoryStore#isShared()}):
   * true for any cluster of several nodes. The server refuses to start otherwise.
   */
  boolean requiresSharedStore();

  /**
   * Throws when this node must not store messages now, for example because it lost its lease and may
   * have been declared dead.
   *
   * @throws dev.natter.chat.ChatException {@code internal}
   */
  void checkWritable();

  /** Sessions and their tokens, cluster-wide. */
  SessionDirectory sessions();

  /** Room memberships, presence and mutes, cluster-wide. */
  MembershipDirectory memberships();

  /** The live traffic between the nodes. */
  MessageBus bus();

  /** Leaves the cluster and releases its resources. Idempotent. */
  @Override
  void close();
}
