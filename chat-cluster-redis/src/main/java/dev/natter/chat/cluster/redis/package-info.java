/**
 * Several Natter servers as one chat: {@link dev.natter.chat.cluster.redis.RedisCluster}, the engine's
 * {@code Cluster} plug-in over Redis, designed in docs/cluster.md. PostgreSQL (a shared
 * {@code JdbcHistoryStore}) stays the only log of messages and assigns their {@code seq}; Redis holds the
 * soft state (node leases, sessions, memberships, mutes) in Lua-scripted keys and carries the live
 * fan-out on pub/sub.
 *
 * <p>The package {@code internal} is not an API: the Lettuce client settings, the scripts, the bus
 * codec and the directories behind {@code RedisCluster}.
 */
package dev.natter.chat.cluster.redis;
