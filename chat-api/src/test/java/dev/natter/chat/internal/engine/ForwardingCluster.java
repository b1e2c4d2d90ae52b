package dev.natter.chat.internal.engine;

import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.spi.cluster.ClusterListener;
import dev.natter.chat.spi.cluster.MembershipDirectory;
import dev.natter.chat.spi.cluster.MessageBus;
import dev.natter.chat.spi.cluster.SessionDirectory;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Cluster#standalone()} a test can bend: it keeps the listener the server started it with,
 * counts closes, and lets a test replace what a call does by overriding it.
 */
class ForwardingCluster implements Cluster {
  final Cluster delegate = Cluster.standalone();
  final AtomicInteger closes = new AtomicInteger();
  volatile ClusterListener listener;

  @Override
  public void start(ClusterListener listener) throws IOException {
    this.listener = listener;
    delegate.start(listener);
  }

  @Override
  public String nodeId() {
    return "forwarding";
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
  public void checkWritable() {
    delegate.checkWritable();
  }

  @Override
  public SessionDirectory sessions() {
    return delegate.sessions();
  }

  @Override
  public MembershipDirectory memberships() {
    return delegate.memberships();
  }

  @Override
  public MessageBus bus() {
    return delegate.bus();
  }

  @Override
  public void close() {
    closes.incrementAndGet();
    delegate.close();
  }
}
