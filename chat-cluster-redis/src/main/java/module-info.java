/**
 * Natter's Redis cluster: several Natter servers as one chat, over Redis and a shared PostgreSQL store
 * (docs/cluster.md). Its API is {@link dev.natter.chat.cluster.redis.RedisCluster}; no Lettuce or Netty
 * type appears in it.
 */
// Lettuce ships no module descriptor, only the name lettuce.core in its manifest: an automatic module,
// which javac's requires-automatic lint (part of -Xlint:all) reports on every requires.
@SuppressWarnings("requires-automatic")
module dev.natter.chat.cluster.redis {
  requires transitive dev.natter.chat;
  requires lettuce.core;
  // Netty has a module descriptor: its types that Lettuce returns (the Future of a shutdown) are read here.
  requires io.netty.common;

  exports dev.natter.chat.cluster.redis;
}
