package dev.natter.chat.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.store.jdbc.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster tests need PostgreSQL too (the shared store): chat-store-jdbc's test-jar lends its
 * {@link PostgresServer}, which skips, or fails under {@code -Dnatter.require.postgres=true}, as there.
 */
class PostgresServerReuseTest {
  @RegisterExtension static final PostgresServer POSTGRES = new PostgresServer();

  @Test
  void startsPostgresFromThisModule() {
    // Creating the test's schema is a round trip through JDBC: the server runs and answers.
    String url = POSTGRES.newDatabaseUrl();

    assertThat(url).startsWith("jdbc:postgresql://127.0.0.1:" + POSTGRES.port() + "/postgres?currentSchema=test_");
  }
}
