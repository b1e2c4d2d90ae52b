/**
 * The test kit for users' unit tests: {@link dev.natter.chat.inmemory.testing.ChatTestKit} starts an
 * in-memory server and connected clients in one line each, injects network faults into a client's
 * connection, restarts the server on the same history store, and fails the test when something was
 * left running.
 */
package dev.natter.chat.inmemory.testing;
