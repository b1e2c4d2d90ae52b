/**
 * Natter's public API: {@link dev.natter.chat.ChatServer} and {@link dev.natter.chat.ChatClient}, their
 * listeners, the values they exchange (immutable records) and the one error vocabulary
 * ({@link dev.natter.chat.ChatStatus}, {@link dev.natter.chat.ChatException}). For applications.
 */
package dev.natter.chat;
