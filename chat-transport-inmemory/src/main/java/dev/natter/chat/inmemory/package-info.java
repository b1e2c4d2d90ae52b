/**
 * An in-process transport: a server found by name ({@link dev.natter.chat.inmemory.InMemoryServerTransport#forName})
 * and clients that connect to it ({@link dev.natter.chat.inmemory.InMemoryClientTransport#forName}). Frames
 * travel as the SPI's records, asynchronously and in order per connection, close codes included, so code
 * tested here behaves the same over WebSocket. Each client transport's
 * {@link dev.natter.chat.inmemory.Faults} drop its connections, stall their reading and delay their
 * frames on demand.
 */
package dev.natter.chat.inmemory;
