package dev.natter.chat.websocket;

import static dev.natter.chat.websocket.BadInputTest.assertBadRequest;
import static dev.natter.chat.websocket.BadInputTest.assertStillOpen;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.natter.chat.Limits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Abuse that ends a connection (docs/protocol.md §1, §2 and §7): binary messages, frames before
 * {@code hello}, a missing {@code hello}, runs of bad frames (oversize messages are {@link OversizeTest}'s).
 * Each gets its exact reply and close code, and alice and bob, chatting in {@code general} meanwhile,
 * notice nothing.
 */
class BadFrameTest {
  @Test
  void aBinaryMessageClosesWith1003() {
    try (Bystanders chat = Bystanders.start(Limits.defaults())) {
      JdkSocket mallory = chat.connect("mallory");
      mallory.sendBinary("{\"type\":\"ping\",\"id\":\"b\"}".getBytes(StandardCharsets.UTF_8));
      assertThat(mallory.awaitClose()).isEqualTo(1003);
      chat.assertStillChatting();

      JdkSocket early = chat.open();
      early.sendBinary(new byte[] {1, 2, 3});
      assertThat(early.awaitClose()).as("binary before hello").isEqualTo(1003);
      chat.assertStillChatting();
    }
  }

  @Test
  void aWellFormedFrameBeforeHelloIsNotAuthenticatedAndCloses4001() {
    try (Bystanders chat = Bystanders.start(Limits.defaults())) {
      JdkSocket early = chat.open();
      early.send("{\"type\":\"join\",\"id\":\"1\",\"room\":\"x\"}");
      JsonNode error = early.next("error");
      assertThat(error.get("id").asText()).isEqualTo("1");
      assertThat(error.get("code").asText()).isEqualTo("not_authenticated");
      assertThat(early.awaitClose()).isEqualTo(4001);
      chat.assertStillChatting();
    }
  }

  @Test
  void aMalformedFrameBeforeHelloIsABadRequestAndHelloStillWorks() {
    try (Bystanders chat = Bystanders.start(Limits.defaults())) {
      JdkSocket early = chat.open();
      early.send("{nope");
      assertBadRequest(early.next("error"), null, "not JSON before hello");
      early.send("{\"type\":\"hello\",\"id\":\"h1\",\"v\":1}");
      assertBadRequest(early.next("error"), "h1", "hello without name");
      early.send("{\"type\":\"hello\",\"id\":\"h2\",\"v\":1,\"name\":7}");
      assertBadRequest(early.next("error"), "h2", "hello with a numeric name");
      assertThat(early.hello("carol").get("user").get("id").asText()).isEqualTo("carol");
      assertStillOpen(early);
      chat.assertStillChatting();
    }
  }

  @Test
  void noHelloInTimeClosesWith4001() {
    Limits limits = Limits.defaults().toBuilder().helloTimeout(Duration.ofMillis(300)).build();
    try (Bystanders chat = Bystanders.start(limits)) {
      JdkSocket silent = chat.open();
      JdkSocket fumbling = chat.open();
      fumbling.send("{nope");
      assertBadRequest(fumbling.next("error"), null, "not JSON before hello");
      fumbling.send("{\"type\":\"hello\",\"id\":\"h\",\"v\":1,\"name\":\"no way!\"}");
      assertThat(fumbling.next("error").get("code").asText()).isEqualTo("invalid_name");

      assertThat(silent.awaitClose()).isEqualTo(4001);
      assertThat(fumbling.awaitClose()).as("the deadline runs until welcome").isEqualTo(4001);
      // Alice and bob said hello in time, and their own deadlines passed meanwhile without effect.
      chat.assertStillChatting();
    }
  }

  @Test
  void twentyBadFramesInARowCloseWith4000AfterTheTwentiethError() {
    try (Bystanders chat = Bystanders.start(Limits.defaults())) {
      JdkSocket mallory = chat.connect("mallory");
      for (int i = 1; i <= 20; i++) {
        mallory.send("{\"type\":\"nope\",\"id\":\"n" + i + "\"}");
      }
      for (int i = 1; i <= 20; i++) {
        assertBadRequest(mallory.next("error"), "n" + i, "bad frame " + i);
      }
      assertThat(mallory.awaitClose()).isEqualTo(4000);
      chat.assertStillChatting();
    }
  }

  @Test
  void aGoodFrameResetsTheRunOfBadFrames() {
    try (Bystanders chat = Bystanders.start(Limits.defaults())) {
      JdkSocket mallory = chat.connect("mallory");
      sendBad(mallory, 19);
      assertStillOpen(mallory);
      sendBad(mallory, 19);
      // 38 bad frames so far, but never 20 in a row.
      assertStillOpen(mallory);
      chat.assertStillChatting();

      // After the reset, the twentieth in a row closes it.
      sendBad(mallory, 19);
      mallory.send("{\"type\":\"nope\",\"id\":\"last\"}");
      assertBadRequest(mallory.next("error"), "last", "twentieth bad frame");
      assertThat(mallory.awaitClose()).isEqualTo(4000);
      chat.assertStillChatting();
    }
  }

  @Test
  void twentyMalformedFramesBeforeHelloAlsoCloseWith4000() {
    try (Bystanders chat = Bystanders.start(Limits.defaults())) {
      JdkSocket early = chat.open();
      sendBad(early, 20);
      assertThat(early.awaitClose()).isEqualTo(4000);
      chat.assertStillChatting();
    }
  }

  private static void sendBad(JdkSocket socket, int count) {
    for (int i = 0; i < count; i++) {
      socket.send("[" + i + "]");
    }
    for (int i = 0; i < count; i++) {
      assertBadRequest(socket.next("error"), null, "bad frame " + i);
    }
  }
}
