package dev.natter.chat.cluster.redis.internal;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.spi.cluster.MessageBus;
import java.util.Objects;

/**
 * The {@link MessageBus} over Redis pub/sub: a room's channel, or both users' channels for a direct
 * message. Not an API.
 */
public final class RedisBus implements MessageBus {
  private final RedisNode node;

  public RedisBus(RedisNode node) {
    this.node = node;
  }

  @Override
  public void follow(String room) {
    Objects.requireNonNull(room, "room");
    node.subscribe(Channels.room(node.prefix(), room), "follow " + room);
    node.holdings().follow(room);
  }

  @Override
  public void unfollow(String room) {
    if (room != null) {
      node.holdings().unfollow(room);
      node.unsubscribe(Channels.room(node.prefix(), room));
    }
  }

  @Override
  public void followUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    node.subscribe(Channels.user(node.prefix(), userId), "follow the user " + userId);
  }

  @Override
  public void unfollowUser(String userId) {
    if (userId != null) {
      node.unsubscribe(Channels.user(node.prefix(), userId));
    }
  }

  @Override
  public void publish(ChatMessage message) {
    if (message == null) {
      return;
    }
    byte[] payload;
    try {
      payload = BusCodec.encode(new BusFrame.Message(node.instance(), message));
    } catch (RuntimeException e) {
      node.publishFailed(message.room(), e);
      return;
    }
    if (message.isDirect()) {
      node.publish(Channels.user(node.prefix(), message.from().id()), payload);
      node.publish(Channels.user(node.prefix(), message.to().id()), payload);
    } else {
      node.publish(Channels.room(node.prefix(), message.room()), payload);
    }
  }

  @Override
  public String toString() {
    return "RedisBus[" + node + "]";
  }
}
