/**
 * Accounts for the example server ({@code --auth accounts}): {@link
 * dev.natter.examples.server.accounts.AccountRoutes} serves {@code POST /register} and {@code POST /login}
 * on the chat port and answers with a short-lived JWT that the chat accepts in {@code hello};
 * {@link dev.natter.examples.server.accounts.PasswordHasher} hashes passwords with PBKDF2-HMAC-SHA256;
 * {@link dev.natter.examples.server.accounts.AccountStore} keeps the accounts, in the history's database
 * or in memory; {@link dev.natter.examples.server.accounts.JwtKeyFile} keeps the signing key in the data
 * directory. Passwords, hashes, tokens and keys never reach a log line or an error message.
 */
package dev.natter.examples.server.accounts;
