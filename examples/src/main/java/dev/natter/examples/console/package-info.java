/** A line-based chat client for a terminal: {@code java -jar natter-console.jar --url ... --name ...}. */
package dev.natter.examples.console;
