package dev.natter.chat.websocket.internal;

import static dev.natter.chat.websocket.internal.ClientFrames.optional;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.Limits;
import dev.natter.chat.Presence;
import dev.natter.chat.RoomInfo;
import dev.natter.chat.User;
import dev.natter.chat.spi.ServerFrame;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The JSON fields of the frames a server sends (PROTOCOL.md sections 2 to 7). */
final class ServerFrames {
  private ServerFrames() {}

  // ---- writing ----

  static void write(ServerFrame frame, JsonGenerator out) throws IOException {
    out.writeStartObject();
    if (frame instanceof ServerFrame.MessageEvent event) {
      out.writeStringField("type", "message");
      messageFields(event.message(), out);
    } else if (frame instanceof ServerFrame.PresenceEvent event) {
      Presence presence = event.presence();
      out.writeStringField("type", "presence");
      out.writeStringField("room", presence.room());
      out.writeStringField("event", presence.event().wireName());
      user(out, "user", presence.user());
      if (presence.reason() != null) {
        out.writeStringField("reason", presence.reason().wireName());
      }
    } else if (frame instanceof ServerFrame.Welcome welcome) {
      start(out, "welcome", welcome.id());
      out.writeNumberField("v", welcome.v());
      user(out, "user", welcome.user());
      out.writeStringField("session", welcome.session());
      out.writeBooleanField("resumed", welcome.resumed());
      out.writeArrayFieldStart("directs");
      for (DirectConversation direct : welcome.directs()) {
        out.writeStartObject();
        out.writeStringField("room", direct.room());
        user(out, "with", direct.with());
        out.writeNumberField("seq", direct.seq());
        out.writeStringField("epoch", direct.epoch());
        out.writeEndObject();
      }
      out.writeEndArray();
      if (welcome.rooms() != null) {
        out.writeArrayFieldStart("rooms");
        for (String room : welcome.rooms()) {
          out.writeString(room);
        }
        out.writeEndArray();
      }
      limits(out, welcome.limits());
    } else if (frame instanceof ServerFrame.Joined joined) {
      start(out, "joined", joined.id());
      out.writeStringField("room", joined.room());
      out.writeStringField("epoch", joined.epoch());
      out.writeNumberField("seq", joined.seq());
      users(out, "members", joined.members());
      messages(out, joined.messages());
      out.writeBooleanField("more", joined.more());
      if (joined.recovered() != null) {
        out.writeBooleanField("recovered", joined.recovered());
      }
    } else if (frame instanceof ServerFrame.Ok ok) {
      start(out, "ok", ok.id());
    } else if (frame instanceof ServerFrame.SendOk ok) {
      start(out, "ok", ok.id());
      out.writeStringField("room", ok.room());
      out.writeNumberField("seq", ok.seq());
      out.writeStringField("mid", ok.mid());
      out.writeNumberField("ts", ok.ts().toEpochMilli());
    } else if (frame instanceof ServerFrame.HistoryReply history) {
      start(out, "history", history.id());
      out.writeStringField("room", history.room());
      out.writeStringField("epoch", history.epoch());
      messages(out, history.messages());
      out.writeBooleanField("more", history.more());
    } else if (frame instanceof ServerFrame.RoomsReply rooms) {
      start(out, "rooms", rooms.id());
      out.writeArrayFieldStart("rooms");
      for (RoomInfo room : rooms.rooms()) {
        out.writeStartObject();
        out.writeStringField("room", room.room());
        out.writeNumberField("members", room.members());
        out.writeEndObject();
      }
      out.writeEndArray();
    } else if (frame instanceof ServerFrame.MembersReply members) {
      start(out, "members", members.id());
      out.writeStringField("room", members.room());
      users(out, "members", members.members());
    } else if (frame instanceof ServerFrame.Pong pong) {
      start(out, "pong", pong.id());
    } else if (frame instanceof ServerFrame.ErrorReply error) {
      start(out, "error", error.id());
      ChatStatus status = error.status();
      out.writeStringField("code", status.code().wireName());
      out.writeStringField("message", status.message());
      if (status.retryAfter() != null) {
        out.writeNumberField("retryAfterMs", status.retryAfter().toMillis());
      }
    } else {
      throw new IllegalArgumentException("unknown frame " + frame);
    }
    out.writeEndObject();
  }

  private static void start(JsonGenerator out, String type, String id) throws IOException {
    out.writeStringField("type", type);
    optional(out, "id", id);
  }

  private static void messageFields(ChatMessage message, JsonGenerator out) throws IOException {
    out.writeStringField("room", message.room());
    out.writeNumberField("seq", message.seq());
    out.writeStringField("mid", message.mid());
    user(out, "from", message.from());
    if (message.to() != null) {
      user(out, "to", message.to());
    }
    out.writeStringField("text", message.text());
    out.writeNumberField("ts", message.ts().toEpochMilli());
    optional(out, "cid", message.cid());
  }

  private static void messages(JsonGenerator out, List<ChatMessage> messages) throws IOException {
    out.writeArrayFieldStart("messages");
    for (ChatMessage message : messages) {
      out.writeStartObject();
      messageFields(message, out);
      out.writeEndObject();
    }
    out.writeEndArray();
  }

  private static void user(JsonGenerator out, String field, User user) throws IOException {
    out.writeObjectFieldStart(field);
    out.writeStringField("id", user.id());
    out.writeStringField("name", user.name());
    out.writeEndObject();
  }

  private static void users(JsonGenerator out, String field, List<User> users) throws IOException {
    out.writeArrayFieldStart(field);
    for (User user : users) {
      out.writeStartObject();
      out.writeStringField("id", user.id());
      out.writeStringField("name", user.name());
      out.writeEndObject();
    }
    out.writeEndArray();
  }

  private static void limits(JsonGenerator out, Limits limits) throws IOException {
    out.writeObjectFieldStart("limits");
    out.writeNumberField("maxFrameBytes", limits.maxFrameBytes());
    out.writeNumberField("maxTextChars", limits.maxTextChars());
    if (limits.rateLimit() == null) {
      out.writeNullField("rateLimit");
    } else {
      out.writeObjectFieldStart("rateLimit");
      out.writeNumberField("sends", limits.rateLimit().sends());
      out.writeNumberField("perMs", limits.rateLimit().per().toMillis());
      out.writeEndObject();
    }
    out.writeNumberField("helloTimeoutMs", limits.helloTimeout().toMillis());
    out.writeNumberField("presenceGraceMs", limits.presenceGrace().toMillis());
    out.writeNumberField("pageMax", limits.pageMax());
    out.writeNumberField("outboundQueueFrames", limits.outboundQueueFrames());
    out.writeNumberField("outboundQueueBytes", limits.outboundQueueBytes());
    out.writeNumberField("maxConnections", limits.maxConnections());
    out.writeEndObject();
  }

  // ---- reading (the client side) ----

  /** Reads a server frame; a malformed one throws {@link JsonFields.BadField}. */
  static ServerFrame read(JsonNode tree) {
    if (tree == null || !tree.isObject()) {
      throw new JsonFields.BadField("a frame must be a JSON object");
    }
    JsonFields f = new JsonFields(tree);
    String id = f.string("id");
    String type = f.requiredString("type");
    switch (type) {
      case "message":
        return new ServerFrame.MessageEvent(message(f));
      case "presence":
        return new ServerFrame.PresenceEvent(presence(f));
      case "welcome":
        List<DirectConversation> directs = new ArrayList<>();
        for (JsonFields direct : f.objects("directs")) {
          directs.add(
              new DirectConversation(
                  direct.requiredString("room"),
                  user(direct.requiredObject("with")),
                  direct.requiredInteger("seq"),
                  direct.requiredString("epoch")));
        }
        return new ServerFrame.Welcome(
            id,
            (int) f.requiredInteger("v"),
            user(f.requiredObject("user")),
            f.requiredString("session"),
            f.requiredBoolean("resumed"),
            directs,
            f.optionalStrings("rooms"),
            limits(f.requiredObject("limits")));
      case "joined":
        return new ServerFrame.Joined(
            id,
            f.requiredString("room"),
            f.requiredString("epoch"),
            f.requiredInteger("seq"),
            users(f, "members"),
            messages(f),
            f.requiredBoolean("more"),
            f.optionalBoolean("recovered"));
      case "ok":
        if (f.has("seq")) {
          return new ServerFrame.SendOk(
              id,
              f.requiredString("room"),
              f.requiredInteger("seq"),
              f.requiredString("mid"),
              Instant.ofEpochMilli(f.requiredInteger("ts")));
        }
        return new ServerFrame.Ok(id);
      case "history":
        return new ServerFrame.HistoryReply(
            id, f.requiredString("room"), f.requiredString("epoch"), messages(f), f.requiredBoolean("more"));
      case "rooms":
        List<RoomInfo> rooms = new ArrayList<>();
        for (JsonFields room : f.objects("rooms")) {
          rooms.add(new RoomInfo(room.requiredString("room"), (int) room.requiredInteger("members")));
        }
        return new ServerFrame.RoomsReply(id, rooms);
      case "members":
        return new ServerFrame.MembersReply(id, f.requiredString("room"), users(f, "members"));
      case "pong":
        return new ServerFrame.Pong(id);
      case "error":
        ChatStatus status =
            ChatStatus.of(ChatStatus.Code.fromWireName(f.requiredString("code")), f.requiredString("message"));
        Long retryAfterMs = f.integer("retryAfterMs");
        if (retryAfterMs != null) {
          status = status.withRetryAfter(Duration.ofMillis(retryAfterMs));
        }
        return new ServerFrame.ErrorReply(id, status);
      default:
        throw new JsonFields.BadField("unknown frame type " + type);
    }
  }

  private static ChatMessage message(JsonFields f) {
    JsonFields to = f.object("to");
    return new ChatMessage(
        f.requiredString("room"),
        f.requiredInteger("seq"),
        f.requiredString("mid"),
        user(f.requiredObject("from")),
        to == null ? null : user(to),
        f.requiredString("text"),
        Instant.ofEpochMilli(f.requiredInteger("ts")),
        f.string("cid"));
  }

  private static List<ChatMessage> messages(JsonFields f) {
    List<ChatMessage> messages = new ArrayList<>();
    for (JsonFields message : f.objects("messages")) {
      messages.add(message(message));
    }
    return messages;
  }

  private static Presence presence(JsonFields f) {
    String room = f.requiredString("room");
    User user = user(f.requiredObject("user"));
    String event = f.requiredString("event");
    if (event.equals("join")) {
      return Presence.join(room, user);
    }
    if (!event.equals("leave")) {
      throw new JsonFields.BadField("unknown presence event " + event);
    }
    String reason = f.requiredString("reason");
    for (Presence.Reason candidate : Presence.Reason.values()) {
      if (candidate.wireName().equals(reason)) {
        return Presence.leave(room, user, candidate);
      }
    }
    // A newer server's reason: the user left all the same.
    return Presence.leave(room, user, Presence.Reason.LEFT);
  }

  private static User user(JsonFields f) {
    return new User(f.requiredString("id"), f.requiredString("name"));
  }

  private static List<User> users(JsonFields f, String field) {
    List<User> users = new ArrayList<>();
    for (JsonFields user : f.objects(field)) {
      users.add(user(user));
    }
    return users;
  }

  private static Limits limits(JsonFields f) {
    JsonFields rate = f.object("rateLimit");
    // A server from before the connection limit does not report it: the default then stands.
    Integer maxConnections = f.smallInteger("maxConnections");
    return new Limits(
        (int) f.requiredInteger("maxFrameBytes"),
        (int) f.requiredInteger("maxTextChars"),
        rate == null
            ? null
            : Limits.RateLimit.of(
                (int) rate.requiredInteger("sends"), Duration.ofMillis(rate.requiredInteger("perMs"))),
        Duration.ofMillis(f.requiredInteger("helloTimeoutMs")),
        Duration.ofMillis(f.requiredInteger("presenceGraceMs")),
        (int) f.requiredInteger("pageMax"),
        (int) f.requiredInteger("outboundQueueFrames"),
        f.requiredInteger("outboundQueueBytes"),
        maxConnections != null ? maxConnections : Limits.defaults().maxConnections());
  }
}
