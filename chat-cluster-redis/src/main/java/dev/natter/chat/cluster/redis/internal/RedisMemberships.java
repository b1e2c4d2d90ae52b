package dev.natter.chat.cluster.redis.internal;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.spi.cluster.MembershipDirectory;
import dev.natter.chat.spi.cluster.PresenceChange;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link MembershipDirectory} over Redis: joins, leaves and kicks are scripts that also bump the
 * room's version and publish the change, and mutes a script too; the reads of counts and mutes are
 * plain commands. Semantics of chat-api's
 * in-memory {@code MemoryDirectory}. Not an API.
 */
public final class RedisMemberships implements MembershipDirectory {
  /** How often, at most, a read of one mute also rereads them all, for the fallback below. */
  private static final long MUTES_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final RedisNode node;
  /**
   * Every mute as last read in full, with this node's own changes since: what answers {@link #isMuted}
   * while Redis does not, so that sends keep working through a short outage (docs/cluster.md §9).
   */
  private volatile Set<String> lastKnownMutes = Set.of();
  private final AtomicLong lastMutesRead = new AtomicLong(System.nanoTime() - MUTES_REFRESH_NANOS);

  public RedisMemberships(RedisNode node) {
    this.node = node;
  }

  @Override
  public Joined join(String room, String sessionId, User user) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(user, "user");
    List<Object> reply = node.script("join " + room, Scripts.Op.JOIN, room, sessionId, user.id(), user.name());
    if ("ended".equals(Replies.string(reply, 0))) {
      throw ChatStatus.of(ChatStatus.Code.INTERNAL, "the session has ended").asException();
    }
    Joined joined = new Joined(Replies.users(Replies.list(reply, 3)), Replies.number(reply, 1),
        Replies.change(Replies.list(reply, 2)));
    node.holdings().joined(room, sessionId, joined.version());
    return joined;
  }

  @Override
  public PresenceChange leave(String room, String sessionId, Presence.Reason reason) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(reason, "reason");
    PresenceChange change = Replies.change(node.script("leave " + room, Scripts.Op.LEAVE, room, sessionId, reason.wireName()));
    node.holdings().left(room, sessionId);
    if (change != null) {
      node.holdings().change(change);
    }
    return change;
  }

  @Override
  public PresenceChange kick(String room, String userId) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(userId, "userId");
    PresenceChange change = Replies.change(node.script("kick from " + room, Scripts.Op.KICK, room, userId));
    if (change != null) {
      node.holdings().change(change);
    }
    return change;
  }

  @Override
  public Snapshot members(String room) {
    Objects.requireNonNull(room, "room");
    List<Object> reply = node.script("read the members of " + room, Scripts.Op.MEMBERS, room);
    Snapshot snapshot = new Snapshot(Replies.users(Replies.list(reply, 1)), Replies.number(reply, 0));
    node.holdings().seen(room, snapshot.version());
    return snapshot;
  }

  @Override
  public Map<String, Integer> memberCounts() {
    Map<String, String> counts = node.command("count the members of the rooms",
        redis -> redis.hgetall(Keys.rooms(node.prefix())));
    Map<String, Integer> sorted = new TreeMap<>();
    counts.forEach((room, count) -> {
      int members = Integer.parseInt(count);
      if (members > 0) {
        sorted.put(room, members);
      }
    });
    return sorted;
  }

  @Override
  public void mute(String room, String userId, boolean muted) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(userId, "userId");
    node.script(muted ? "mute" : "unmute", Scripts.Op.MUTE, room, userId, muted ? "1" : "0");
    Set<String> known = new HashSet<>(lastKnownMutes);
    if (muted) {
      known.add(Keys.mute(room, userId));
    } else {
      known.remove(Keys.mute(room, userId));
    }
    lastKnownMutes = Set.copyOf(known);
  }

  /**
   * Reads Redis; when Redis does not answer, the mutes last known here decide rather than failing the
   * send: a mute set elsewhere during the outage takes effect once Redis answers again.
   */
  @Override
  public boolean isMuted(String room, String userId) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(userId, "userId");
    String member = Keys.mute(room, userId);
    try {
      boolean muted = node.command("read the mutes", redis -> redis.sismember(Keys.mutes(node.prefix()), member));
      rereadMutesNowAndThen();
      return muted;
    } catch (ChatException unreachable) {
      return lastKnownMutes.contains(member);
    }
  }

  // At most once a second, on the send path that just reached Redis: the full set, for the fallback.
  private void rereadMutesNowAndThen() {
    long last = lastMutesRead.get();
    long now = System.nanoTime();
    if (now - last < MUTES_REFRESH_NANOS || !lastMutesRead.compareAndSet(last, now)) {
      return;
    }
    try {
      lastKnownMutes = Set.copyOf(node.command("read the mutes", redis -> redis.smembers(Keys.mutes(node.prefix()))));
    } catch (ChatException unreachable) {
      // the next read tries again
    }
  }

  @Override
  public String toString() {
    return "RedisMemberships[" + node + "]";
  }
}
