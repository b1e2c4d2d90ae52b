/**
 * The JDBC store's plumbing: the dialects, the schema and its migrations, the group-commit writer and the
 * reads. Internal: not an API, not exported.
 */
package dev.natter.chat.store.jdbc.internal;
