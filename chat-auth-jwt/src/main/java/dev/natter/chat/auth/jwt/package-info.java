/**
 * JWT authentication for a {@link dev.natter.chat.ChatServer}:
 * {@link dev.natter.chat.auth.jwt.JwtAuthenticator} checks the bearer token a client sends in
 * {@code hello} (or in an {@code Authorization: Bearer} header), and
 * {@link dev.natter.chat.auth.jwt.JwtIssuer} mints HS256 tokens for an application's login endpoint.
 */
package dev.natter.chat.auth.jwt;
