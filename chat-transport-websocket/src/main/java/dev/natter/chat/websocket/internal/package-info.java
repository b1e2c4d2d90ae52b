/** The Tyrus and Jackson plumbing of the WebSocket transport. Internal: not an API. */
package dev.natter.chat.websocket.internal;
