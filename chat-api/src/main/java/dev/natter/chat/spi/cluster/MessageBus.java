package dev.natter.chat.spi.cluster;

import dev.natter.chat.ChatMessage;

/**
 * Carries stored messages from the node that stored them to the nodes that follow their room. At most
 * once per room or user followed, and in no promised order: each node orders by {@code seq}, drops what
 * it delivered already, and reads what it missed from the shared store. (A direct message may thus reach
 * a node that follows both its users twice.) A node hears only other nodes' messages.
 */
public interface MessageBus {

  /**
   * Starts receiving the messages and presence of a room, before this node's first session joins it.
   * Returns once receiving started: anything published after it arrives.
   *
   * @throws dev.natter.chat.ChatException {@code internal} when the bus cannot be reached
   */
  void follow(String room);

  /** Stops receiving a room's traffic, after this node's last session left it. Never throws. */
  void unfollow(String room);

  /**
   * Starts receiving a user's direct messages and session notices, before this node's first session of
   * that user reads its direct conversations. Returns once receiving started.
   *
   * @throws dev.natter.chat.ChatException {@code internal} when the bus cannot be reached
   */
  void followUser(String userId);

  /** Stops receiving a user's traffic, after this node's last session of that user ended. Never throws. */
  void unfollowUser(String userId);

  /**
   * Sends a message this node stored to the other nodes: to its room's followers, or for a direct
   * message to both users' followers. Never blocks and never throws: a message the bus loses is found
   * in the store.
   */
  void publish(ChatMessage message);
}
