package dev.natter.chat.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.User;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The builder's validation and what a node does before it is started; no Redis needed. */
class RedisClusterBuilderTest {
  private static final URI REDIS = URI.create("redis://127.0.0.1:6379");

  @Test
  void aNodeIdIsRequiredAndShortAndPlain() {
    assertThatThrownBy(() -> RedisCluster.builder(REDIS).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nodeId");
    for (String bad : new String[] {"", "n 1", "n:1", "nœud", "x".repeat(33)}) {
      assertThatThrownBy(() -> RedisCluster.builder(REDIS).nodeId(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> RedisCluster.builder(REDIS).nodeId(null)).isInstanceOf(NullPointerException.class);

    assertThat(RedisCluster.builder(REDIS).nodeId("Node_2-b").build().nodeId()).isEqualTo("Node_2-b");
    assertThat(RedisCluster.builder(REDIS).nodeId("x".repeat(32)).build().nodeId()).hasSize(32);
  }

  @Test
  void onlyRedisUrisWithAHostAreAccepted() {
    assertThatThrownBy(() -> RedisCluster.builder(URI.create("http://127.0.0.1:6379")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisCluster.builder(URI.create("redis:opaque")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisCluster.builder(null)).isInstanceOf(NullPointerException.class);

    assertThat(RedisCluster.builder(URI.create("rediss://redis.example:6380/2")).nodeId("n1").build()).isNotNull();
  }

  @Test
  void thePrefixAndTimeoutAreValidated() {
    RedisCluster.Builder builder = RedisCluster.builder(REDIS).nodeId("n1");

    assertThatThrownBy(() -> builder.prefix("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.prefix("has space:")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.prefix("x".repeat(65))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.operationTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.operationTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(builder.prefix("natter:prod:").operationTimeout(Duration.ofMillis(250)).build().toString())
        .contains("natter:prod:");
  }

  @Test
  void thePasswordOfTheUriStaysOutOfToString() {
    RedisCluster cluster = RedisCluster.builder(URI.create("redis://:s3cret@127.0.0.1:6379/0")).nodeId("n1").build();

    assertThat(cluster.toString()).doesNotContain("s3cret").contains("127.0.0.1:6379");
  }

  @Test
  void aClusterOfSeveralNodesNeedsASharedStoreAndIsNotItsSoleWriter() {
    RedisCluster cluster = RedisCluster.builder(REDIS).nodeId("n1").build();

    assertThat(cluster.requiresSharedStore()).isTrue();
    assertThat(cluster.soleWriter()).isFalse();
    assertThatThrownBy(cluster::checkWritable).as("before start").isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theLeaseIsPositiveAndAtLeastTwiceTheOperationTimeout() {
    RedisCluster.Builder builder = RedisCluster.builder(REDIS).nodeId("n1");

    assertThatThrownBy(() -> builder.lease(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.presenceGrace(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.operationTimeout(Duration.ofSeconds(2)).lease(Duration.ofSeconds(3)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("twice the operation timeout");

    assertThat(builder.lease(Duration.ofSeconds(4)).presenceGrace(Duration.ZERO).build()).isNotNull();
  }

  @Test
  void beforeStartDirectoriesRefuseAndPublishCountsAFailureWithoutThrowing() {
    RedisCluster cluster = RedisCluster.builder(REDIS).nodeId("n1").build();

    assertThatThrownBy(() -> cluster.sessions().onlineUsers()).isInstanceOf(IllegalStateException.class);
    cluster.bus().publish(new ChatMessage("general", 1, "m", new User("ann", "Ann"), null, "hi", Instant.EPOCH, null));
    cluster.bus().unfollow("general");

    assertThat(cluster.stats().publishFailures()).isEqualTo(1);
    cluster.close();
    cluster.close();
  }

  @Test
  void startFailsWithIOExceptionWhenNobodyListensAndTheNodeCannotBeStartedAgain() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    RedisCluster cluster = RedisCluster.builder(URI.create("redis://127.0.0.1:" + port)).nodeId("n1")
        .operationTimeout(Duration.ofMillis(500)).build();

    assertThatThrownBy(() -> cluster.start(new Recorder())).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> cluster.start(new Recorder())).isInstanceOf(IllegalStateException.class);
    cluster.close();
  }
}
