package dev.natter.chat.cluster.redis.internal;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.spi.cluster.PresenceChange;
import java.util.Objects;

/**
 * One publication on the bus, as {@link BusCodec} encodes it: what happened and the node it came from
 * (a node ignores its own publications). Not an API.
 */
public sealed interface BusFrame {

  /** The id of the node that published the frame. */
  String origin();

  /** A message the origin stored, on its room's channel or, for a direct message, on both users' channels. */
  record Message(String origin, ChatMessage message) implements BusFrame {
    /** Validates the components. */
    public Message {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(message, "message");
    }
  }

  /** A change of a room's members, on the room's channel; published by the script that made it. */
  record Presence(String origin, PresenceChange change) implements BusFrame {
    /** Validates the components. */
    public Presence {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(change, "change");
    }
  }

  /** A session the receiving node held was resumed on the origin; on the former owner's node channel. */
  record TakenOver(String origin, String sessionId) implements BusFrame {
    /** Validates the components. */
    public TakenOver {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(sessionId, "sessionId");
    }
  }

  /** The origin ended every session of a user; on the user's channel. */
  record Disconnected(String origin, String userId) implements BusFrame {
    /** Validates the components. */
    public Disconnected {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(userId, "userId");
    }
  }

  /** The origin claimed a node instance whose lease expired; on {@code ctl}: every node catches up. */
  record NodeDied(String origin, String instance) implements BusFrame {
    /** Validates the components. */
    public NodeDied {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(instance, "instance");
    }
  }
}
