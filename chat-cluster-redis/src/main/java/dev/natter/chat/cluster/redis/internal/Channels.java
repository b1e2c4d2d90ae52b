package dev.natter.chat.cluster.redis.internal;

/**
 * The pub/sub channels, under the cluster's prefix (docs/cluster.md §4, §5). Not an API.
 *
 * <ul>
 *   <li>{@code r:{room}}: a room's messages and presence changes;
 *   <li>{@code u:{userId}}: a user's direct messages and the notice that their sessions were ended;
 *   <li>{@code n:{instance}}: notices for one run of a node: a session it held was resumed elsewhere;
 *   <li>{@code ctl}: a node died (its reaper announces it): every node catches up.
 * </ul>
 */
public final class Channels {
  private Channels() {}

  public static String room(String prefix, String room) {
    return prefix + "r:" + room;
  }

  public static String user(String prefix, String userId) {
    return prefix + "u:" + userId;
  }

  public static String node(String prefix, String instance) {
    return prefix + "n:" + instance;
  }

  public static String control(String prefix) {
    return prefix + "ctl";
  }
}
