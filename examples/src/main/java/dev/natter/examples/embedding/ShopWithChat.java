package dev.natter.examples.embedding;

import com.sun.net.httpserver.HttpServer;
import dev.natter.chat.ChatServer;
import dev.natter.chat.websocket.WebSocketServerTransport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A shop that already exists (a JDK {@code HttpServer} taking orders), with Natter chat added: a chat
 * server beside it, and every new order posted to the {@code orders} room, where the staff chat.
 * Run it, then connect any chat client to the printed address and join {@code orders}.
 */
public final class ShopWithChat implements AutoCloseable {
  private final HttpServer shop;
  private final ChatServer chat;
  private final WebSocketServerTransport chatTransport;

  private ShopWithChat(HttpServer shop, ChatServer chat, WebSocketServerTransport chatTransport) {
    this.shop = shop;
    this.chat = chat;
    this.chatTransport = chatTransport;
  }

  /** Starts the shop on {@code shopPort} and its chat on {@code chatPort} (0: any free port). */
  public static ShopWithChat start(int shopPort, int chatPort) throws IOException {
    // The shop as it was.
    HttpServer shop = HttpServer.create(new InetSocketAddress("127.0.0.1", shopPort), 0);
    AtomicInteger orders = new AtomicInteger();
    shop.start();

    // Natter added: ten lines. The shop's pages may open the chat socket (allowed origin).
    String shopOrigin = "http://127.0.0.1:" + shop.getAddress().getPort();
    WebSocketServerTransport transport = WebSocketServerTransport.forAddress("127.0.0.1", chatPort)
        .allowedOrigins(List.of(shopOrigin))
        .build();
    ChatServer chat = ChatServer.builder(transport).build().start();
    shop.createContext("/order", exchange -> {
      int order = orders.incrementAndGet();
      chat.post("orders", "New order #" + order + " just came in.");
      byte[] body = ("order #" + order + " received\n").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(201, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    return new ShopWithChat(shop, chat, transport);
  }

  /** The shop's address, such as {@code http://127.0.0.1:8000}. */
  public String shopUrl() {
    return "http://127.0.0.1:" + shop.getAddress().getPort();
  }

  /** The chat's WebSocket address. */
  public String chatUrl() {
    return chatTransport.uri().toString();
  }

  /** Stops the chat (clients get 1001) and the shop. */
  @Override
  public void close() {
    chat.close();
    shop.stop(0);
  }

  /** Runs the shop on port 8000 and its chat on 8001 until the process is stopped. */
  public static void main(String[] args) throws IOException {
    ShopWithChat app = start(8000, 8001);
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shop-shutdown"));
    System.out.println("shop on " + app.shopUrl() + " (POST /order), chat on " + app.chatUrl());
  }
}
