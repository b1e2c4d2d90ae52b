package dev.natter.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link ReconnectPolicy} and {@link ConnectionState} check their components when constructed. */
class ConnectionValuesTest {

  @Test
  void theDefaultPolicyReconnectsForeverFromHalfASecondUpToHalfAMinute() {
    ReconnectPolicy policy = ReconnectPolicy.defaults();
    assertThat(policy.isEnabled()).isTrue();
    assertThat(policy.initialDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.maxDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.maxAttempts()).isEqualTo(ReconnectPolicy.UNBOUNDED);
    assertThat(ReconnectPolicy.disabled().isEnabled()).isFalse();
    assertThat(policy.withMaxAttempts(3).withJitter(0).withMultiplier(1.5))
        .isEqualTo(new ReconnectPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), 1.5, 0, 3));
  }

  @Test
  void aPolicyRefusesNonsense() {
    ReconnectPolicy policy = ReconnectPolicy.defaults();
    assertThatThrownBy(() -> policy.withInitialDelay(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.withMaxDelay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.withMultiplier(0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.withMultiplier(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.withJitter(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.withMaxAttempts(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.withInitialDelay(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void eachConnectionStateHasExactlyTheComponentsItsKindNeeds() {
    Disconnect lost = new Disconnect(1006, "");
    assertThat(ConnectionState.reconnecting(2, Duration.ofSeconds(1), lost).attempt()).isEqualTo(2);
    assertThat(ConnectionState.closed(lost).disconnect()).isEqualTo(lost);
    assertThat(ConnectionState.connected().kind()).isEqualTo(ConnectionState.Kind.CONNECTED);

    assertThatThrownBy(() -> ConnectionState.reconnecting(0, Duration.ofSeconds(1), lost))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConnectionState.reconnecting(1, null, lost))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConnectionState.reconnecting(1, Duration.ofSeconds(1), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConnectionState.connecting(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConnectionState.closed(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConnectionState(ConnectionState.Kind.CONNECTED, 1, null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConnectionState(ConnectionState.Kind.CONNECTED, 0, Duration.ZERO, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConnectionState(null, 0, null, null)).isInstanceOf(NullPointerException.class);
  }
}
