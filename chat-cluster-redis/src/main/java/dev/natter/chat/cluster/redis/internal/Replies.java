package dev.natter.chat.cluster.redis.internal;

import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.spi.cluster.PresenceChange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads the scripts' replies (lists of {@code Long}, {@code String} and lists). Not an API. */
final class Replies {
  private Replies() {}

  static String string(List<Object> reply, int index) {
    return (String) reply.get(index);
  }

  static long number(List<Object> reply, int index) {
    return (Long) reply.get(index);
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(List<Object> reply, int index) {
    return (List<Object>) reply.get(index);
  }

  static List<String> strings(List<Object> reply) {
    List<String> strings = new ArrayList<>(reply.size());
    for (Object item : reply) {
      strings.add((String) item);
    }
    return strings;
  }

  /** {@code {id, name, id, name, ...}} as users sorted by id. */
  static List<User> users(List<Object> pairs) {
    List<User> users = new ArrayList<>(pairs.size() / 2);
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      users.add(new User((String) pairs.get(i), (String) pairs.get(i + 1)));
    }
    users.sort(Comparator.comparing(User::id));
    return users;
  }

  /** {@code {room, event, user id, user name, reason, version}}, or {@code null} for an empty list. */
  static PresenceChange change(List<Object> change) {
    if (change.isEmpty()) {
      return null;
    }
    String room = string(change, 0);
    User user = new User(string(change, 2), string(change, 3));
    Presence presence = "join".equals(string(change, 1))
        ? Presence.join(room, user)
        : Presence.leave(room, user, reason(string(change, 4)));
    return new PresenceChange(presence, number(change, 5));
  }

  /** A list of changes. */
  static List<PresenceChange> changes(List<Object> changes) {
    List<PresenceChange> out = new ArrayList<>(changes.size());
    for (int i = 0; i < changes.size(); i++) {
      out.add(change(list(changes, i)));
    }
    return out;
  }

  private static Presence.Reason reason(String wireName) {
    for (Presence.Reason reason : Presence.Reason.values()) {
      if (reason.wireName().equals(wireName)) {
        return reason;
      }
    }
    throw new IllegalStateException("a script answered an unknown reason: " + wireName);
  }
}
