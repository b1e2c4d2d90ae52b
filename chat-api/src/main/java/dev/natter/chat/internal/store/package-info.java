/** The in-memory {@link dev.natter.chat.spi.HistoryStore}. Internal: not an API. */
package dev.natter.chat.internal.store;
