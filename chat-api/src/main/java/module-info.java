/**
 * Natter's API, engine and SPI. Depends on nothing but the JDK.
 */
module dev.natter.chat {
  exports dev.natter.chat;
  exports dev.natter.chat.spi;
  exports dev.natter.chat.testing;
}
