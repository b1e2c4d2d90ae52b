/**
 * Natter's built-in JWT authentication: an {@link dev.natter.chat.Authenticator} for compact JWS bearer
 * tokens (HS256, RS256, ES256, or keys from a JWKS file) and an HS256 token issuer, on Nimbus JOSE+JWT.
 * No Nimbus type appears in its API.
 */
module dev.natter.chat.auth.jwt {
  requires transitive dev.natter.chat;
  requires com.nimbusds.jose.jwt;

  exports dev.natter.chat.auth.jwt;
}
