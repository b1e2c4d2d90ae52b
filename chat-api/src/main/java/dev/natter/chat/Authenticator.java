package dev.natter.chat;

/**
 * Decides who a connecting client is, from its {@code hello} and the transport's handshake.
 *
 * <p>Called once per {@code hello}, on an engine thread; it may block briefly (a key lookup) but
 * should not wait on the network for long. Implementations must be thread-safe.
 *
 * <p>To refuse, throw a {@link ChatException}: {@link ChatStatus.Code#AUTH_FAILED} closes the
 * connection (4001); {@link ChatStatus.Code#INVALID_NAME} or {@link ChatStatus.Code#BAD_REQUEST} let the
 * client send another {@code hello}. Never put a token or password in the message.
 */
public interface Authenticator {

  /**
   * Returns the user the client is.
   *
   * @param request the {@code hello}'s name and token and the handshake
   * @throws ChatException to refuse
   */
  User authenticate(AuthRequest request);

  /**
   * Whether a user may hold several sessions at once (tabs, devices). When false, a name is held by one
   * session at a time, including a session inside its presence grace period, and a second
   * {@code hello} for it gets {@code name_taken}.
   */
  default boolean allowsConcurrentSessions() {
    return true;
  }

  /**
   * The default: anyone may use any free name, no token needed. The user's id is the name in lower case,
   * so names are unique case-insensitively, and each name is held by one session at a time.
   */
  static Authenticator anonymous() {
    return AnonymousAuthenticator.INSTANCE;
  }

  /**
   * The {@code hello}'s claims and the transport's facts.
   *
   * @param name the name the client asked for, or {@code null}
   * @param token the client's token, or {@code null}; a secret, never to be logged
   * @param handshake what the transport knows of the connection
   */
  record AuthRequest(String name, String token, Handshake handshake) {
    @Override
    public String toString() {
      // The token is a secret: keep it out of logs and error messages.
      return "AuthRequest[name=" + name + ", token=" + (token == null ? "none" : "***") + ", handshake="
          + handshake + "]";
    }
  }
}

/** Anonymous names: the user is whoever the name says, one session a name. */
enum AnonymousAuthenticator implements Authenticator {
  INSTANCE;

  @Override
  public User authenticate(AuthRequest request) {
    if (request.name() == null) {
      throw ChatStatus.of(ChatStatus.Code.BAD_REQUEST, "hello needs a name").asException();
    }
    User user = User.anonymous(request.name());
    if (user.id().equals(User.SYSTEM.id())) {
      throw ChatStatus.of(ChatStatus.Code.NAME_TAKEN, "that name is reserved").asException();
    }
    return user;
  }

  @Override
  public boolean allowsConcurrentSessions() {
    return false;
  }

  @Override
  public String toString() {
    return "Authenticator.anonymous()";
  }
}
