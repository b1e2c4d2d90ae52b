package dev.natter.chat.auth.jwt.internal;

/**
 * A token failed a rule. {@link #reason()} goes to the client and says which rule; {@link #detail()} is
 * for the debug log. Neither ever holds the token or a part of it.
 */
public final class TokenRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String detail;

  TokenRefusedException(String reason) {
    this(reason, "");
  }

  TokenRefusedException(String reason, String detail) {
    // No cause and no stack trace: a refusal is an expected outcome, and a library's exception could
    // quote the token.
    super(reason, null, false, false);
    this.detail = detail;
  }

  /** Which rule the token broke, for the client; for example "the token has expired". */
  public String reason() {
    return getMessage();
  }

  /** More for the debug log (times, key ids, the library's view); may be empty. */
  public String detail() {
    return detail;
  }
}
