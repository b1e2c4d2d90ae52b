package dev.natter.chat.internal.engine;

import dev.natter.chat.Authenticator;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.User;

/**
 * Users from tokens, as a JWT authenticator gives them: the token is the user's id (any id the rules
 * allow, not only a lower-cased name), the hello's name their display name. {@code bad} is refused, and
 * no token falls back to an anonymous name. One user may hold several sessions at once.
 */
final class TokenAuthenticator implements Authenticator {
  @Override
  public User authenticate(AuthRequest request) {
    if (request.token() == null) {
      return Authenticator.anonymous().authenticate(request);
    }
    if (request.token().equals("bad")) {
      throw ChatStatus.of(ChatStatus.Code.AUTH_FAILED, "bad token").asException();
    }
    // The User record refuses an id or name outside the rules with invalid_name.
    return new User(request.token(), request.name() == null ? "user" : request.name());
  }

  @Override
  public boolean allowsConcurrentSessions() {
    return true;
  }
}
