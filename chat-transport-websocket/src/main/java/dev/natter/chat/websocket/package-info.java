/**
 * The WebSocket transport: {@link dev.natter.chat.websocket.WebSocketServerTransport} for a
 * {@link dev.natter.chat.ChatServer} and {@link dev.natter.chat.websocket.WebSocketClientTransport} for a
 * {@link dev.natter.chat.ChatClient}, speaking the JSON protocol of {@code docs/protocol.md}, which
 * browsers and other languages speak too.
 */
package dev.natter.chat.websocket;
