package dev.natter.chat.spi.cluster;

import dev.natter.chat.ChatMessage;
import java.util.Collection;

/**
 * What the cluster tells a node's engine about the other nodes. Implemented by the engine. Calls never
 * block; they may come from any thread, concurrently, and in any order.
 */
public interface ClusterListener {

  /** A message another node stored, in a room (or for a user) this node follows. */
  void messageArrived(ChatMessage message);

  /** A change of the members of a room this node follows, made by another node. */
  void presenceArrived(PresenceChange change);

  /**
   * A session of this node was resumed on another node: close its connection here (4002) and forget it
   * without any presence change.
   */
  void sessionTakenOver(String sessionId);

  /** Every session of the user was ended by another node ({@code disconnect}): close them here (4003). */
  void userDisconnected(String userId);

  /**
   * These sessions of this node no longer exist in the cluster (it was declared dead and its sessions
   * ended while it could not reach the cluster): forget them here without any presence change, and close
   * their connections with 1001, so that their clients reconnect and resume or start over. Ids this node
   * does not hold are ignored.
   */
  void sessionsLost(Collection<String> sessionIds);

  /**
   * The bus may have lost traffic (it reconnected, or a node died): check every followed room against
   * the store and the membership directory, and deliver what is missing.
   */
  void catchUp();
}
