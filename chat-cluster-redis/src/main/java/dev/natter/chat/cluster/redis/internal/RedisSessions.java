package dev.natter.chat.cluster.redis.internal;

import dev.natter.chat.ChatStatus;
import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.spi.cluster.PresenceChange;
import dev.natter.chat.spi.cluster.SessionDirectory;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link SessionDirectory} over Redis: each call one script of {@link Scripts} (or one command for
 * {@link #knownUser}), with the semantics of chat-api's in-memory {@code MemoryDirectory}. Not an API.
 */
public final class RedisSessions implements SessionDirectory {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final RedisNode node;
  private final SecureRandom random = new SecureRandom();

  public RedisSessions(RedisNode node) {
    this.node = node;
  }

  @Override
  public Opened open(User user, boolean exclusive, String resumeToken) {
    Objects.requireNonNull(user, "user");
    List<Object> reply = node.script("open a session", Scripts.Op.OPEN,
        user.id(), user.name(), exclusive ? "1" : "0", resumeToken == null ? "" : resumeToken,
        random(16), random(12));
    if ("name_taken".equals(Replies.string(reply, 0))) {
      throw ChatStatus.of(ChatStatus.Code.NAME_TAKEN, "the name " + user.name() + " is taken").asException();
    }
    List<String> rooms = Replies.strings(Replies.list(reply, 4));
    List<Object> versions = Replies.list(reply, 5);
    Map<String, Long> joinedAt = new LinkedHashMap<>();
    for (int i = 0; i < rooms.size(); i++) {
      joinedAt.put(rooms.get(i), (Long) versions.get(i));
    }
    Opened opened = new Opened(Replies.string(reply, 1), Replies.string(reply, 2), Replies.number(reply, 3) == 1,
        new HashSet<>(rooms));
    node.holdings().opened(opened.sessionId(), opened.token(), user, joinedAt);
    return opened;
  }

  @Override
  public boolean detach(String sessionId, String token) {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(token, "token");
    node.holdings().detaching(sessionId, token);
    return Replies.number(node.script("detach a session", Scripts.Op.DETACH, sessionId, token), 0) == 1;
  }

  @Override
  public Ended end(String sessionId, String token, Presence.Reason reason) {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(reason, "reason");
    node.holdings().ending(sessionId, token);
    List<Object> reply = node.script("end a session", Scripts.Op.END, sessionId, token, reason.wireName());
    return ended(reply);
  }

  @Override
  public Ended disconnect(String userId) {
    Objects.requireNonNull(userId, "userId");
    Ended ended = ended(node.script("disconnect a user", Scripts.Op.DISCONNECT, userId));
    node.holdings().userEnded(userId);
    return ended;
  }

  @Override
  public Optional<User> knownUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    String name = node.command("look up a user", redis -> redis.hget(Keys.users(node.prefix()), userId));
    return Optional.ofNullable(name).map(known -> new User(userId, known));
  }

  @Override
  public List<User> onlineUsers() {
    return Replies.users(node.script("list the online users", Scripts.Op.ONLINE));
  }

  private Ended ended(List<Object> reply) {
    int ended = Math.toIntExact(Replies.number(reply, 0));
    if (ended == 0) {
      return Ended.NOTHING;
    }
    List<PresenceChange> changes = Replies.changes(Replies.list(reply, 1));
    changes.forEach(node.holdings()::change);
    return new Ended(ended, changes);
  }

  /** {@code bytes} random bytes, URL-safe base64 without padding. */
  private String random(int bytes) {
    byte[] value = new byte[bytes];
    random.nextBytes(value);
    return BASE64URL.encodeToString(value);
  }

  @Override
  public String toString() {
    return "RedisSessions[" + node + "]";
  }
}
