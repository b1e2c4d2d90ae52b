/**
 * Helpers for tests of code that uses Natter, usable with any transport; the in-memory transport's test
 * kit builds on them.
 */
package dev.natter.chat.testing;
