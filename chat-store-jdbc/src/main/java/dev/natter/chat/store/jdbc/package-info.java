/**
 * Durable history for a {@link dev.natter.chat.ChatServer}: {@link dev.natter.chat.store.jdbc.JdbcHistoryStore},
 * one SQLite file in the data directory, or a PostgreSQL database; and, in the same database, user
 * accounts for an application's own login ({@link dev.natter.chat.store.jdbc.JdbcAccounts}).
 */
package dev.natter.chat.store.jdbc;
