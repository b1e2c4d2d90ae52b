package dev.natter.chat.internal.engine;

import dev.natter.chat.spi.ClientFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A fuzz input read as a script of what clients do, one step a line. Text keeps the seeds readable, and
 * the fuzzer's byte mutations of it mostly stay meaningful steps.
 *
 * <pre>
 * [c ]type|field|field...
 * </pre>
 *
 * <p>{@code c} is the client, a digit from 0 to {@value #CLIENTS} - 1 (0 when absent). The steps:
 *
 * <pre>
 * hello|id|v|name|token|resume          join|id|room|since.seq|since.epoch|limit
 * leave|id|room                         send|id|room|to|text|cid
 * history|id|room|before|after|limit    members|id|room
 * rooms|id      ping|id      bad|id|problem (a frame the transport could not decode)
 * close|code    the client ends its connection; its next step opens a new one
 * stall         the client stops reading: what the server sends piles up in its queue
 * tick|millis   the server's clock moves forward
 * </pre>
 *
 * <p>A script whose first line is {@code tokens} runs against a server that takes users from tokens
 * ({@link TokenAuthenticator}: hello's token is the user id, several sessions a user); any other runs
 * with anonymous names, one session a name.
 *
 * <p>A missing or empty field is absent ({@code null}), and {@code ~} is the empty string; a number that
 * does not parse is absent. The id is special: when empty it is a fresh one the harness follows up, and
 * {@code ~} leaves it out. {@code $k} as resume is the session token client {@code k} was last welcomed
 * with; {@code $} as since.epoch is the epoch this client last saw for the room. Lines past {@value
 * #MAX_STEPS}, and lines of an unknown type, are ignored.
 */
final class FuzzScript {
  static final int CLIENTS = 4;
  static final int MAX_STEPS = 50;
  private static final Set<String> FRAMES =
      Set.of("hello", "join", "leave", "send", "history", "members", "rooms", "ping", "bad");

  private FuzzScript() {}

  /** One line: which client, what to do, and the fields as written. */
  record Step(int client, String type, List<String> fields) {
    /** Field {@code i}: {@code null} when missing or empty, {@code ""} for {@code ~}. */
    String field(int i) {
      String value = i < fields.size() ? fields.get(i) : "";
      return value.isEmpty() ? null : value.equals("~") ? "" : value;
    }

    /** The request id: a fresh one when missing or empty, none for {@code ~}. */
    String id(Context context) {
      String value = field(0);
      return value == null ? context.freshId() : value.isEmpty() ? null : value;
    }

    Long number(int i) {
      try {
        String value = field(i);
        return value == null ? null : Long.valueOf(value);
      } catch (NumberFormatException e) {
        return null;
      }
    }

    Integer smallNumber(int i) {
      Long value = number(i);
      return value == null || value != value.intValue() ? null : value.intValue();
    }
  }

  /** What only the running harness knows: ids it made, tokens and epochs the server gave. */
  interface Context {
    String freshId();

    String sessionToken(int client);

    String epoch(int client, String room);
  }

  /** Whether the script asks for users from tokens (its first line is {@code tokens}). */
  static boolean usesTokens(String text) {
    return text.equals("tokens") || text.startsWith("tokens\n");
  }

  static List<Step> parse(String text) {
    List<Step> steps = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (steps.size() == MAX_STEPS) {
        break;
      }
      int client = 0;
      if (line.length() >= 2 && line.charAt(0) >= '0' && line.charAt(0) < '0' + CLIENTS && line.charAt(1) == ' ') {
        client = line.charAt(0) - '0';
        line = line.substring(2);
      }
      List<String> parts = Arrays.asList(line.split("\\|", -1));
      steps.add(new Step(client, parts.get(0), parts.subList(1, parts.size())));
    }
    return steps;
  }

  /** The frame a step sends, or {@code null} for a step that is not a frame (or not known). */
  static ClientFrame frame(Step step, Context context) {
    if (!FRAMES.contains(step.type())) {
      return null;
    }
    String id = step.id(context);
    return switch (step.type()) {
      case "hello" -> new ClientFrame.Hello(id, step.smallNumber(1), step.field(2), step.field(3),
          resume(step.field(4), context));
      case "join" -> new ClientFrame.Join(id, step.field(1), step.number(2),
          "$".equals(step.field(3)) ? context.epoch(step.client(), step.field(1)) : step.field(3),
          step.smallNumber(4));
      case "leave" -> new ClientFrame.Leave(id, step.field(1));
      case "send" -> new ClientFrame.Send(id, step.field(1), step.field(2), step.field(3), step.field(4));
      case "history" -> new ClientFrame.History(id, step.field(1), step.number(2), step.number(3),
          step.smallNumber(4));
      case "members" -> new ClientFrame.ListMembers(id, step.field(1));
      case "rooms" -> new ClientFrame.ListRooms(id);
      case "ping" -> new ClientFrame.Ping(id);
      case "bad" -> new ClientFrame.Malformed(id, step.field(1) == null ? "bad frame" : step.field(1));
      default -> throw new AssertionError(step.type());
    };
  }

  private static String resume(String resume, Context context) {
    if (resume != null && resume.length() == 2 && resume.charAt(0) == '$'
        && resume.charAt(1) >= '0' && resume.charAt(1) < '0' + CLIENTS) {
      return context.sessionToken(resume.charAt(1) - '0');
    }
    return resume;
  }
}
