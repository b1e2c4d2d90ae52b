/**
 * The clusters that live in this process: {@link dev.natter.chat.spi.cluster.Cluster#standalone()} and
 * the in-memory directory it keeps its sessions and memberships in, which an in-JVM cluster of several
 * nodes can share. Not an API: no compatibility promise.
 */
package dev.natter.chat.internal.cluster;
