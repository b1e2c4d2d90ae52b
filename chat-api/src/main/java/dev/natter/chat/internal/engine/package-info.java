/**
 * The engine: sessions, rooms, presence, ordering, fan-out, idempotency and limits, written once for
 * every transport. Internal: not an API.
 */
package dev.natter.chat.internal.engine;
