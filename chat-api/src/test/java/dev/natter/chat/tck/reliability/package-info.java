/**
 * A fault-test harness in the spirit of Jepsen's queue checker, shipped in {@code chat-api}'s
 * test-jar so that every transport, store and cluster can be checked the same way.
 *
 * <ul>
 *   <li>{@link dev.natter.chat.tck.reliability.DeliveryLog} records every send (its outcome: acknowledged
 *       with a {@code seq}, failed, or unknown) and every delivery, gap and join of every client;
 *   <li>{@link dev.natter.chat.tck.reliability.CheckedClient} is a {@code ChatClient} that records
 *       into a log;
 *   <li>{@link dev.natter.chat.tck.reliability.DeliveryChecker} turns a log into a
 *       {@link dev.natter.chat.tck.reliability.Verdict}: per room, messages lost, duplicated, reordered
 *       or unexpected;
 *   <li>{@link dev.natter.chat.tck.reliability.TcpProxy} sits between clients and a server and cuts,
 *       stalls and delays their connections.
 * </ul>
 */
package dev.natter.chat.tck.reliability;
