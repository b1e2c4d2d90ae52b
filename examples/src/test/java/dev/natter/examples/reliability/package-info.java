/**
 * Fault scenarios over WebSocket with the SQLite store, each checked with the harness of
 * {@code dev.natter.chat.tck.reliability}: the server killed and restarted, sockets cut mid-send, a
 * client that stops reading, churn, and a graceful shutdown under load. Each runs for a few seconds and
 * ends with the checker's verdict: nothing lost, duplicated or reordered.
 *
 * <p>The cluster scenarios ({@link dev.natter.examples.reliability.ClusterNodeKilledIT},
 * {@link dev.natter.examples.reliability.RedisRestartedIT}) run three {@code natter-server.jar} nodes on
 * one PostgreSQL and one Redis ({@link dev.natter.examples.reliability.ClusterNodes}), each behind a proxy
 * standing in for the load balancer, and end with the same verdict.
 */
package dev.natter.examples.reliability;
