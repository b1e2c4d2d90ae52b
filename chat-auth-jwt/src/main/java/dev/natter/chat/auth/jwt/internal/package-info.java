/**
 * The Nimbus JOSE+JWT plumbing of the JWT authenticator: key pinning, signature and claim checks, token
 * minting. Internal: not an API, not exported.
 */
package dev.natter.chat.auth.jwt.internal;
