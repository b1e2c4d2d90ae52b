package dev.natter.examples.console;

import dev.natter.chat.ChatClient;
import dev.natter.chat.ChatException;
import dev.natter.chat.Welcome;
import dev.natter.chat.websocket.WebSocketClientTransport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A chat client for a terminal:
 * {@code java -jar natter-console.jar --url ws://127.0.0.1:8080/chat --name alice}. Type {@code /help}
 * for the commands. With {@code --token} (or the environment variable {@code NATTER_TOKEN}) it logs in
 * with a token instead of a name.
 */
public final class ConsoleClientMain {
  static final int EXIT_CANNOT_CONNECT = 1;
  static final int EXIT_USAGE = 2;
  private static final String NAME = "natter-console";
  private static final String USAGE = String.join(System.lineSeparator(),
      "Usage: java -jar natter-console.jar [--url ws://HOST:PORT/chat] (--name NAME | --token TOKEN)",
      "  --url URL      the server's WebSocket address (default ws://127.0.0.1:8080/chat)",
      "  --name NAME    the nickname to chat as",
      "  --token TOKEN  a login token instead (or the environment variable NATTER_TOKEN)",
      "Then type /help for the commands.");

  private ConsoleClientMain() {}

  /** Runs the client on the terminal until {@code /quit} or the end of input. */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv("NATTER_TOKEN"), System.in, System.out, System.err));
  }

  /** Runs the client on the given streams; returns the exit status. */
  static int run(String[] args, String tokenFromEnvironment, InputStream in, PrintStream out, PrintStream err) {
    String url = "ws://127.0.0.1:8080/chat";
    String name = null;
    String token = tokenFromEnvironment;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        out.println(USAGE);
        return 0;
      }
      if (i + 1 >= args.length || !(flag.equals("--url") || flag.equals("--name") || flag.equals("--token"))) {
        err.println(NAME + ": " + (i + 1 >= args.length && flag.startsWith("--")
            ? flag + " needs a value" : "unknown argument: " + flag));
        err.println(USAGE);
        return EXIT_USAGE;
      }
      String value = args[++i];
      switch (flag) {
        case "--url" -> url = value;
        case "--name" -> name = value;
        default -> token = value;
      }
    }
    if (name == null && token == null) {
      err.println(NAME + ": give --name NAME, or --token TOKEN");
      return EXIT_USAGE;
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      err.println(NAME + ": not a URL: " + url);
      return EXIT_USAGE;
    }

    ConsoleSession session = new ConsoleSession(out);
    ChatClient.Builder builder = ChatClient.builder(WebSocketClientTransport.forUri(uri).build())
        .listener(session);
    if (token != null) {
      builder.token(token);
    } else {
      builder.name(name);
    }
    try (ChatClient client = builder.build()) {
      session.attach(client);
      Welcome welcome;
      try {
        welcome = client.connect().get(15, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
        err.println(NAME + ": cannot chat on " + uri + ": "
            + (cause instanceof ChatException chat ? chat.getMessage() : String.valueOf(cause)));
        return EXIT_CANNOT_CONNECT;
      } catch (TimeoutException e) {
        err.println(NAME + ": no answer from " + uri + " within 15 s");
        return EXIT_CANNOT_CONNECT;
      }
      out.println("* connected as " + welcome.user().name() + "; /help lists the commands");
      session.handle("/join general");
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = lines.readLine()) != null && session.handle(line)) {
        // each line is handled in turn
      }
      return 0;
    } catch (IOException e) {
      err.println(NAME + ": " + e.getMessage());
      return EXIT_CANNOT_CONNECT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_CANNOT_CONNECT;
    }
  }
}
