/**
 * Implementation shared by Natter's modules. Not an API: nothing outside this project may use it, and
 * it changes without notice.
 */
package dev.natter.chat.internal;
