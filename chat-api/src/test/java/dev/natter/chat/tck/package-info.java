/**
 * The transport conformance suite, shipped in {@code chat-api}'s test-jar: extend
 * {@link dev.natter.chat.tck.TransportConformanceTest} with your transport's two factory methods.
 */
package dev.natter.chat.tck;
