package dev.natter.chat.internal.cluster;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.spi.cluster.ClusterListener;
import dev.natter.chat.spi.cluster.MembershipDirectory;
import dev.natter.chat.spi.cluster.MessageBus;
import dev.natter.chat.spi.cluster.SessionDirectory;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link Cluster#standalone()}: one node, its directories in memory, a bus that carries nothing. */
public final class StandaloneCluster implements Cluster {
  private static final String NODE_ID = "standalone";
  private static final MessageBus NO_BUS = new MessageBus() {
    @Override
    public void follow(String room) {}

    @Override
    public void unfollow(String room) {}

    @Override
    public void followUser(String userId) {}

    @Override
    public void unfollowUser(String userId) {}

    @Override
    public void publish(ChatMessage message) {}
  };

  private final MemoryDirectory directory = new MemoryDirectory(MemoryDirectory.Notices.NONE);
  private final SessionDirectory sessions = directory.sessions(NODE_ID);
  private final MembershipDirectory memberships = directory.memberships(NODE_ID);
  private final AtomicBoolean started = new AtomicBoolean();

  /** A new cluster of one; use {@link Cluster#standalone()}. */
  public StandaloneCluster() {}

  @Override
  public void start(ClusterListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
  }

  @Override
  public String nodeId() {
    return NODE_ID;
  }

  @Override
  public boolean soleWriter() {
    return true;
  }

  @Override
  public boolean requiresSharedStore() {
    return false;
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
    return NO_BUS;
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "Cluster.standalone()";
  }
}
