package dev.natter.chat.store.jdbc;

import dev.natter.chat.inmemory.InMemoryClientTransport;
import dev.natter.chat.inmemory.InMemoryServerTransport;
import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.tck.TransportConformanceTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole conformance suite with every server on a SQLite file: the engine over a store whose
 * appends complete later, on another thread, and recovery across a restart on the same file.
 */
class SqliteConformanceTest extends TransportConformanceTest {
  @TempDir Path directory;

  @Override
  protected HistoryStore openStore(String name) {
    return JdbcHistoryStore.sqlite(directory.resolve(name + ".db"));
  }

  @Override
  protected ServerTransport newServerTransport() {
    return InMemoryServerTransport.forName(InMemoryServerTransport.generateName());
  }

  @Override
  protected ClientTransport newClientTransport(ServerTransport server) {
    return InMemoryClientTransport.forName(((InMemoryServerTransport) server).name());
  }
}
