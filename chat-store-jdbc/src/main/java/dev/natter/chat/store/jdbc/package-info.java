/**
 * Durable history for a {@link dev.natter.chat.ChatServer}: {@link dev.natter.chat.store.jdbc.JdbcHistoryStore},
 * one SQLite file in the data directory, or a PostgreSQL database.
 */
package dev.natter.chat.store.jdbc;
