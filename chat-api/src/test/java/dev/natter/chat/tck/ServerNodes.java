package dev.natter.chat.tck;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatServer;
import dev.natter.chat.RoomInfo;
import dev.natter.chat.User;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The nodes of one deployment as one {@link ChatServer}, for the conformance suite: the lifecycle acts
 * on every node, and the server-side API goes to the last node (clients start on the first), so a
 * cluster's answers are checked from a node other than the one a client uses.
 */
final class ServerNodes implements ChatServer {
  private final List<ChatServer> nodes;
  private final ChatServer admin;

  ServerNodes(List<ChatServer> nodes) {
    this.nodes = List.copyOf(nodes);
    this.admin = nodes.get(nodes.size() - 1);
  }

  @Override
  public ChatServer start() {
    throw new IllegalStateException("the nodes were started one by one");
  }

  @Override
  public void shutdown() {
    nodes.forEach(ChatServer::shutdown);
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ChatServer node : nodes) {
      if (!node.awaitTermination(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean isShutdown() {
    return nodes.stream().allMatch(ChatServer::isShutdown);
  }

  @Override
  public boolean isTerminated() {
    return nodes.stream().allMatch(ChatServer::isTerminated);
  }

  @Override
  public void close() {
    nodes.forEach(ChatServer::shutdown);
    nodes.forEach(ChatServer::close);
  }

  @Override
  public CompletableFuture<ChatMessage> post(String room, String text) {
    return admin.post(room, text);
  }

  @Override
  public List<RoomInfo> rooms() {
    return admin.rooms();
  }

  @Override
  public List<User> members(String room) {
    return admin.members(room);
  }

  @Override
  public List<User> onlineUsers() {
    return admin.onlineUsers();
  }

  @Override
  public boolean kick(String room, String userId) {
    return admin.kick(room, userId);
  }

  @Override
  public void ban(String room, String userId) {
    admin.ban(room, userId);
  }

  @Override
  public void unban(String room, String userId) {
    admin.unban(room, userId);
  }

  @Override
  public void mute(String room, String userId) {
    admin.mute(room, userId);
  }

  @Override
  public void unmute(String room, String userId) {
    admin.unmute(room, userId);
  }

  @Override
  public int disconnect(String userId) {
    return admin.disconnect(userId);
  }

  @Override
  public String toString() {
    return "ServerNodes" + nodes;
  }
}
