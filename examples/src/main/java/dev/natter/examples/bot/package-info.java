/** A chat bot, and (in the tests) how to unit-test one over the in-memory transport. */
package dev.natter.examples.bot;
