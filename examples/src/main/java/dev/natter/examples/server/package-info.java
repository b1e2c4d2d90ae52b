/**
 * The runnable chat server: {@link dev.natter.examples.server.ChatServerMain} wires a
 * {@link dev.natter.chat.ChatServer} to the WebSocket transport from command-line flags, using the public
 * API only. An example for people running or embedding Natter; not an API.
 */
package dev.natter.examples.server;
