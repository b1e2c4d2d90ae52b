/**
 * Several Natter servers as one chat: the {@code Cluster} plug-in of the engine over Redis, designed in
 * docs/cluster.md. PostgreSQL (a shared {@code JdbcHistoryStore}) stays the only log of messages and
 * assigns their {@code seq}; Redis holds the soft state (node leases, sessions, memberships, mutes) and
 * carries the live fan-out on pub/sub.
 *
 * <p><b>Not built yet.</b> This package will hold {@code RedisCluster} and its builder (step 5 of
 * docs/cluster.md §11). Today the module has only its groundwork: the Lettuce client settings in
 * {@code internal} and, in its test sources, a {@code RedisServer} fixture that starts a throwaway
 * {@code redis-server}.
 */
package dev.natter.chat.cluster.redis;
