/**
 * The seams through which several servers act as one chat: a {@link dev.natter.chat.spi.cluster.Cluster}
 * holds who is where (sessions and room memberships, cluster-wide) and carries live traffic between the
 * nodes; each node's engine keeps its own connections and delivers to them.
 *
 * <p>A server runs alone with {@link dev.natter.chat.spi.cluster.Cluster#standalone()}, the default. A
 * plug-in such as {@code chat-cluster-redis} implements these interfaces; the history store must then be
 * shared by the nodes ({@link dev.natter.chat.spi.HistoryStore}), since it assigns every message's
 * {@code seq}. See {@code docs/cluster.md} for the design and the guarantees.
 */
package dev.natter.chat.spi.cluster;
