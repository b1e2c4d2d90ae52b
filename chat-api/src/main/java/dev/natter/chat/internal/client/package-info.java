/** The {@link dev.natter.chat.ChatClient} implementation. Internal: not an API. */
package dev.natter.chat.internal.client;
