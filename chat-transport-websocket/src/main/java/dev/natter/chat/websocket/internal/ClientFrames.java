package dev.natter.chat.websocket.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.natter.chat.spi.ClientFrame;
import java.io.IOException;

/** The JSON fields of the frames a client sends (PROTOCOL.md sections 2 to 6). */
final class ClientFrames {
  private ClientFrames() {}

  /** Reads a parsed client frame; never throws. */
  static ClientFrame read(JsonNode tree) {
    if (tree == null || !tree.isObject()) {
      return new ClientFrame.Malformed(null, "a frame must be a JSON object");
    }
    JsonFields fields = new JsonFields(tree);
    String id;
    try {
      id = fields.string("id");
    } catch (JsonFields.BadField e) {
      return new ClientFrame.Malformed(null, e.getMessage());
    }
    try {
      return read(id, fields);
    } catch (JsonFields.BadField e) {
      return new ClientFrame.Malformed(id, e.getMessage());
    } catch (RuntimeException e) {
      // A bug here must not take the connection down; the client learns its frame was not understood.
      return new ClientFrame.Malformed(id, "frame not understood");
    }
  }

  private static ClientFrame read(String id, JsonFields fields) {
    String type = fields.requiredString("type");
    switch (type) {
      case "hello":
        Long v = fields.integer("v");
        if (v != null && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
          throw new JsonFields.BadField("v must be a small integer");
        }
        return new ClientFrame.Hello(
            id,
            v == null ? null : v.intValue(),
            fields.string("name"),
            fields.string("token"),
            fields.string("resume"));
      case "join":
        JsonFields since = fields.object("since");
        return new ClientFrame.Join(
            id,
            fields.requiredString("room"),
            since == null ? null : since.requiredInteger("seq"),
            since == null ? null : since.requiredString("epoch"),
            fields.smallInteger("limit"));
      case "leave":
        return new ClientFrame.Leave(id, fields.requiredString("room"));
      case "send":
        return new ClientFrame.Send(
            id,
            fields.string("room"),
            fields.string("to"),
            fields.requiredString("text"),
            fields.string("cid"));
      case "history":
        return new ClientFrame.History(
            id,
            fields.requiredString("room"),
            fields.integer("before"),
            fields.integer("after"),
            fields.smallInteger("limit"));
      case "rooms":
        return new ClientFrame.ListRooms(id);
      case "members":
        return new ClientFrame.ListMembers(id, fields.requiredString("room"));
      case "ping":
        return new ClientFrame.Ping(id);
      default:
        throw new JsonFields.BadField("unknown type " + quoted(type));
    }
  }

  // An unknown type is echoed in the error; cut it so a client cannot make us echo a whole frame.
  private static String quoted(String type) {
    String shown = type.length() > 32 ? type.substring(0, 32) + "..." : type;
    return '"' + shown + '"';
  }

  /** Writes a client frame; a {@link ClientFrame.Malformed} cannot be written. */
  static void write(ClientFrame frame, JsonGenerator out) throws IOException {
    out.writeStartObject();
    if (frame instanceof ClientFrame.Hello hello) {
      start(out, "hello", hello.id());
      optional(out, "v", hello.v() == null ? null : hello.v().longValue());
      optional(out, "name", hello.name());
      optional(out, "token", hello.token());
      optional(out, "resume", hello.resume());
    } else if (frame instanceof ClientFrame.Join join) {
      start(out, "join", join.id());
      out.writeStringField("room", join.room());
      if (join.sinceSeq() != null) {
        out.writeObjectFieldStart("since");
        out.writeNumberField("seq", join.sinceSeq());
        out.writeStringField("epoch", join.sinceEpoch());
        out.writeEndObject();
      }
      optional(out, "limit", join.limit() == null ? null : join.limit().longValue());
    } else if (frame instanceof ClientFrame.Leave leave) {
      start(out, "leave", leave.id());
      out.writeStringField("room", leave.room());
    } else if (frame instanceof ClientFrame.Send send) {
      start(out, "send", send.id());
      optional(out, "room", send.room());
      optional(out, "to", send.to());
      out.writeStringField("text", send.text());
      optional(out, "cid", send.cid());
    } else if (frame instanceof ClientFrame.History history) {
      start(out, "history", history.id());
      out.writeStringField("room", history.room());
      optional(out, "before", history.before());
      optional(out, "after", history.after());
      optional(out, "limit", history.limit() == null ? null : history.limit().longValue());
    } else if (frame instanceof ClientFrame.ListRooms rooms) {
      start(out, "rooms", rooms.id());
    } else if (frame instanceof ClientFrame.ListMembers members) {
      start(out, "members", members.id());
      out.writeStringField("room", members.room());
    } else if (frame instanceof ClientFrame.Ping ping) {
      start(out, "ping", ping.id());
    } else {
      throw new IllegalArgumentException("cannot send " + frame);
    }
    out.writeEndObject();
  }

  private static void start(JsonGenerator out, String type, String id) throws IOException {
    out.writeStringField("type", type);
    optional(out, "id", id);
  }

  static void optional(JsonGenerator out, String name, String value) throws IOException {
    if (value != null) {
      out.writeStringField(name, value);
    }
  }

  static void optional(JsonGenerator out, String name, Long value) throws IOException {
    if (value != null) {
      out.writeNumberField(name, value);
    }
  }
}
