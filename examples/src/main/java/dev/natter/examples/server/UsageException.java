package dev.natter.examples.server;

/** A command line the server cannot run with; the message says what is wrong, for a person to read. */
public final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A usage error with a message such as {@code unknown flag: --prot}. */
  public UsageException(String message) {
    super(message);
  }
}
