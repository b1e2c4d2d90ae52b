package dev.natter.examples.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtKeyFileTest {
  @TempDir Path folder;

  @Test
  void aMissingKeyIsCreatedWithItsFolderAndReusedAfterwards() throws IOException {
    Path file = folder.resolve("data/jwt.key");

    byte[] first = JwtKeyFile.loadOrCreate(file);
    byte[] second = JwtKeyFile.loadOrCreate(file);

    assertThat(first).hasSize(JwtKeyFile.KEY_BYTES).isEqualTo(second);
    assertThat(file).isRegularFile();
    try (var leftovers = Files.list(file.getParent())) {
      assertThat(leftovers).as("no temporary file left").containsExactly(file);
    }
  }

  @Test
  void theKeyFileIsReadableByItsOwnerOnly() throws IOException {
    assumeTrue(folder.getFileSystem().supportedFileAttributeViews().contains("posix"), "no POSIX permissions");
    Path file = folder.resolve("jwt.key");

    JwtKeyFile.loadOrCreate(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(JwtKeyFile.isOwnerOnly(file)).isTrue();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(JwtKeyFile.isOwnerOnly(file)).isFalse();
  }

  @Test
  void everyNewKeyIsRandom() throws IOException {
    assertThat(JwtKeyFile.loadOrCreate(folder.resolve("a/jwt.key")))
        .isNotEqualTo(JwtKeyFile.loadOrCreate(folder.resolve("b/jwt.key")));
    assertThat(JwtKeyFile.randomKey()).hasSize(32).isNotEqualTo(JwtKeyFile.randomKey());
  }

  @Test
  void aFileThatHoldsNoKeyIsRefusedNamingTheFileButNotItsContent() throws IOException {
    Path garbage = Files.writeString(folder.resolve("garbage.key"), "this is not base64 at all!\n");
    Path short16 = Files.writeString(folder.resolve("short.key"), "c2hvcnQtc2hvcnQtc2hvcnQ=\n");

    assertThatThrownBy(() -> JwtKeyFile.loadOrCreate(garbage))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(garbage.toString())
        .hasMessageNotContaining("not base64 at all");
    assertThatThrownBy(() -> JwtKeyFile.loadOrCreate(short16))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(short16.toString())
        .hasMessageContaining("fewer than 32")
        .hasMessageNotContaining("c2hvcnQ");
  }
}
