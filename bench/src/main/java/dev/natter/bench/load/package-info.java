/**
 * A load driver for a Natter server over real WebSockets, run in its own JVM:
 * {@link dev.natter.bench.load.LoadDriver}. It speaks the JSON wire protocol (docs/protocol.md) with the
 * JDK's {@code java.net.http.WebSocket} client and nothing else, so what it measures is the server, not a
 * client library.
 */
package dev.natter.bench.load;
