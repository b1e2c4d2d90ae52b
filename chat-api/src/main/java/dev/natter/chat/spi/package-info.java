/**
 * For transport and store authors only: the frames of the wire protocol as sealed records, the server
 * and client transport contracts, and {@link dev.natter.chat.spi.HistoryStore}. A transport moves frames;
 * every chat rule lives in the engine. A new transport is done when it passes the conformance suite in
 * {@code chat-api}'s test-jar.
 */
package dev.natter.chat.spi;
