/** The in-memory transport's connections. Internal: not an API. */
package dev.natter.chat.inmemory.internal;
