package dev.natter.examples.server.accounts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * The key that signs the tokens of {@code --auth accounts} when no {@code --jwt-secret} is given:
 * {@value #KEY_BYTES} random bytes, kept in the data directory as {@value #FILE_NAME} (one line of
 * Base64) so tokens and logins survive a restart.
 *
 * <p>The file is created readable and writable by its owner only where the file system has POSIX
 * permissions, and is written whole or not at all (a temporary file, then a rename). Whoever can read
 * it can sign tokens for any user: keep it as private as the database. Deleting it makes a new key at
 * the next start, which ends every token signed with the old one.
 *
 * <p>Error messages name the file, never its content.
 */
public final class JwtKeyFile {
  /** The file's name in the data directory. */
  public static final String FILE_NAME = "jwt.key";
  /** The key's length: 256 bits, what HS256 needs. */
  public static final int KEY_BYTES = 32;

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final SecureRandom RANDOM = new SecureRandom();

  private JwtKeyFile() {}

  /** A new random key of {@value #KEY_BYTES} bytes, for a server that keeps nothing ({@code --in-memory}). */
  public static byte[] randomKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return key;
  }

  /**
   * Reads the key in {@code file}, or creates the file with a new random key when it does not exist
   * (and its folder when missing).
   *
   * @throws IOException when the file cannot be read or written, or does not hold a key of at least
   *     {@value #KEY_BYTES} bytes; the message names the file only
   */
  public static byte[] loadOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      try {
        create(file);
      } catch (FileAlreadyExistsException e) {
        // Another process made it in the meantime: use theirs.
      }
    }
    return read(file);
  }

  /**
   * Whether only the file's owner may read or write it; true where the file system has no POSIX
   * permissions (nothing to check there).
   */
  public static boolean isOwnerOnly(Path file) throws IOException {
    if (!supportsPosix(file)) {
      return true;
    }
    return OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file));
  }

  private static byte[] read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " does not hold a Base64 key; delete it to have a new key made at the"
          + " next start (tokens signed with the old one stop working)");
    }
    if (key.length < KEY_BYTES) {
      throw new IOException(file + " holds a key of " + key.length + " bytes, fewer than " + KEY_BYTES
          + "; delete it to have a new key made at the next start");
    }
    return key;
  }

  private static void create(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path folder = absolute.getParent();
    Files.createDirectories(folder);
    Path temporary = supportsPosix(folder)
        ? Files.createTempFile(folder, ".jwt-key-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
        : Files.createTempFile(folder, ".jwt-key-", ".tmp");
    try {
      byte[] line = (Base64.getEncoder().encodeToString(randomKey()) + "\n").getBytes(StandardCharsets.US_ASCII);
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      // Without REPLACE_EXISTING: a key that appeared meanwhile is kept, not overwritten.
      Files.move(temporary, absolute);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static boolean supportsPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
