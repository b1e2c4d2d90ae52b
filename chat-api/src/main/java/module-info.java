/**
 * Natter's API, engine and SPI. Depends on nothing but the JDK.
 */
module dev.natter.chat {
  exports dev.natter.chat;
  exports dev.natter.chat.spi;
  exports dev.natter.chat.spi.cluster;
  exports dev.natter.chat.testing;
  // Shared by Natter's own modules only (as io.grpc.internal is); not an API, no compatibility promise.
  exports dev.natter.chat.internal;
  exports dev.natter.chat.internal.cluster;
}
