package dev.natter.examples.console;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatException;
import dev.natter.chat.ChatListener;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.Disconnect;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.PageRequest;
import dev.natter.chat.Presence;
import dev.natter.chat.RoomInfo;
import dev.natter.chat.User;
import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the console client does with each line typed, and how it prints what arrives. Commands:
 * {@code /join ROOM}, {@code /leave}, {@code /msg USER TEXT}, {@code /who}, {@code /rooms},
 * {@code /history}, {@code /help}, {@code /quit}; any other line is sent to the current room.
 *
 * <p>Incoming events are printed from the client's delivery thread, command answers from the caller's;
 * {@link PrintStream} keeps each line whole.
 */
public final class ConsoleSession implements ChatListener {
  static final String HELP = String.join(System.lineSeparator(),
      "/join ROOM       join a room and make it the current one",
      "/leave           leave the current room",
      "/msg USER TEXT   send a direct message",
      "/who             the current room's members",
      "/rooms           the rooms on the server",
      "/history         the current room's last 20 messages",
      "/quit            leave the chat",
      "any other line   is sent to the current room");
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

  private final PrintStream out;
  private ChatClient client;
  private volatile String room;

  /** A session printing to {@code out}; {@link #attach} it to its client before handling lines. */
  public ConsoleSession(PrintStream out) {
    this.out = out;
  }

  /** The client whose commands this session sends. */
  public void attach(ChatClient client) {
    this.client = client;
  }

  /** The current room, or {@code null}. */
  public String room() {
    return room;
  }

  /**
   * Handles one typed line and waits for its answer.
   *
   * @return false when the user asked to quit
   */
  public boolean handle(String line) {
    String text = line.strip();
    if (text.isEmpty()) {
      return true;
    }
    if (!text.startsWith("/")) {
      if (room == null) {
        out.println("! join a room first: /join general");
      } else {
        await(client.send(room, line));
      }
      return true;
    }
    String[] parts = text.split("\\s+", 3);
    switch (parts[0]) {
      case "/quit" -> {
        return false;
      }
      case "/join" -> join(parts);
      case "/leave" -> leave();
      case "/msg" -> {
        if (parts.length < 3) {
          out.println("! usage: /msg USER TEXT");
        } else {
          await(client.sendDirect(parts[1], parts[2]));
        }
      }
      case "/who" -> {
        if (requireRoom()) {
          List<User> members = await(client.members(room));
          if (members != null) {
            out.println("* in " + room + ": " + String.join(", ", members.stream().map(User::name).toList()));
          }
        }
      }
      case "/rooms" -> {
        List<RoomInfo> rooms = await(client.rooms());
        if (rooms != null) {
          rooms.forEach(info -> out.println("* " + info.room() + " (" + info.members() + ")"));
        }
      }
      case "/history" -> {
        if (requireRoom()) {
          HistoryPage page = await(client.history(room, PageRequest.latest(20)));
          if (page != null) {
            page.messages().forEach(this::print);
          }
        }
      }
      case "/help" -> out.println(HELP);
      default -> out.println("! unknown command " + parts[0] + "; /help lists them");
    }
    return true;
  }

  private void join(String[] parts) {
    if (parts.length < 2) {
      out.println("! usage: /join ROOM");
      return;
    }
    if (await(client.join(parts[1])) != null) {
      room = parts[1];
      out.println("* you are in " + room + " (/history shows what was said)");
    }
  }

  private void leave() {
    if (requireRoom()) {
      String left = room;
      room = null;
      await(client.leave(left));
      out.println("* you left " + left);
    }
  }

  private boolean requireRoom() {
    if (room == null) {
      out.println("! join a room first: /join general");
      return false;
    }
    return true;
  }

  // Waits for an answer; a refusal is printed with its code, and the session goes on.
  private <T> T await(CompletableFuture<T> request) {
    try {
      return request.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
      if (cause instanceof ChatException chat) {
        out.println("! " + chat.code().wireName() + ": " + chat.status().message());
      } else {
        out.println("! failed: " + cause);
      }
    } catch (TimeoutException e) {
      out.println("! no answer within " + WAIT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  @Override
  public void onMessage(ChatMessage message) {
    print(message);
  }

  @Override
  public void onPresence(Presence presence) {
    out.println("* " + presence.user().name()
        + (presence.event() == Presence.Event.JOIN ? " joined " : " left ") + presence.room()
        + (presence.reason() == null || presence.reason() == Presence.Reason.LEFT
            ? "" : " (" + presence.reason().wireName() + ")"));
  }

  @Override
  public void onDisconnected(Disconnect disconnect) {
    if (disconnect.code() == 1000) {
      return; // the user quit
    }
    out.println("! disconnected: " + disconnect.code() + " " + disconnect.reason());
  }

  private void print(ChatMessage message) {
    String where = message.isDirect() ? "dm " + message.from().name() + " -> " + message.to().name()
        : message.room();
    out.println("[" + TIME.format(message.ts()) + " " + where + "] " + message.from().name() + ": "
        + message.text());
  }
}
