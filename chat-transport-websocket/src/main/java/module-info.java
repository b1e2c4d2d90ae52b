/**
 * Natter's WebSocket transport: a Tyrus (Grizzly) server and client speaking the JSON protocol. No
 * Tyrus, Grizzly or Jackson type appears in its API.
 */
module dev.natter.chat.websocket {
  requires transitive dev.natter.chat;
  requires jakarta.websocket;
  requires jakarta.websocket.client;
  requires org.glassfish.tyrus.core;
  requires org.glassfish.tyrus.spi;
  requires org.glassfish.tyrus.server;
  requires org.glassfish.tyrus.client;
  requires org.glassfish.tyrus.container.grizzly.server;
  requires org.glassfish.tyrus.container.grizzly.client;
  requires org.glassfish.grizzly;
  requires org.glassfish.grizzly.http;
  requires org.glassfish.grizzly.http.server;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;

  exports dev.natter.chat.websocket;
  // Shared by Natter's own modules (the load driver encodes frames with it); not an API.
  exports dev.natter.chat.websocket.internal;
}
