/**
 * Natter's in-memory transport, with the same semantics as a network transport, and a test kit for
 * users' unit tests.
 */
module dev.natter.chat.inmemory {
  requires transitive dev.natter.chat;
  requires static transitive org.junit.jupiter.api;

  exports dev.natter.chat.inmemory;
  exports dev.natter.chat.inmemory.testing;
}
