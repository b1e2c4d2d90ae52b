/**
 * Fault scenarios over WebSocket with the SQLite store, each checked with the harness of
 * {@code dev.natter.chat.tck.reliability}: the server killed and restarted, sockets cut mid-send, a
 * client that stops reading, churn, and a graceful shutdown under load. Each runs for a few seconds and
 * ends with the checker's verdict: nothing lost, duplicated or reordered.
 */
package dev.natter.examples.reliability;
