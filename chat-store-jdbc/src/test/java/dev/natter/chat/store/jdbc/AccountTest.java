package dev.natter.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.User;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccountTest {
  private static final User ALICE = new User("alice", "Alice");

  @Test
  void toStringShowsTheUserButNeverTheHash() {
    Account account = new Account(ALICE, "pbkdf2-sha256$600000$c2FsdA$c2VjcmV0", Instant.EPOCH);

    assertThat(account.toString())
        .contains("alice", "Alice", "1970-01-01T00:00:00Z")
        .doesNotContain("pbkdf2", "c2VjcmV0");
  }

  @Test
  void keepsTheCreationTimeToTheMillisecondAsTheStoreDoes() {
    Account account = new Account(ALICE, "hash", Instant.ofEpochSecond(1, 123_456_789));

    assertThat(account.created()).isEqualTo(Instant.ofEpochSecond(1, 123_000_000));
    assertThat(account).isEqualTo(new Account(ALICE, "hash", Instant.ofEpochMilli(1_123)));
  }

  @Test
  void refusesMissingPartsAndABlankHash() {
    assertThatThrownBy(() -> new Account(null, "hash", Instant.EPOCH)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Account(ALICE, null, Instant.EPOCH)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Account(ALICE, "hash", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Account(ALICE, " ", Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class);
  }
}
