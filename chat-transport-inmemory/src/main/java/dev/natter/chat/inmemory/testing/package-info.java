/**
 * The test kit for users' unit tests: {@link dev.natter.chat.inmemory.testing.ChatTestKit} starts an
 * in-memory server and connected clients in one line each, and fails the test when something was left
 * running.
 */
package dev.natter.chat.inmemory.testing;
