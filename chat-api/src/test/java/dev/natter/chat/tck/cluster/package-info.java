/**
 * The cluster contract, shipped in {@code chat-api}'s test-jar: extend
 * {@link dev.natter.chat.tck.cluster.ClusterDirectoryContract} with a factory of a fresh cluster's nodes,
 * and a {@link dev.natter.chat.spi.cluster.Cluster} implementation is checked the same way as the
 * in-memory ones. {@link dev.natter.chat.tck.cluster.InProcessCluster} runs several nodes in one JVM
 * over one in-memory directory and an in-JVM bus with {@link dev.natter.chat.tck.cluster.BusFaults}, for
 * tests of the engine across nodes without Redis.
 */
package dev.natter.chat.tck.cluster;
