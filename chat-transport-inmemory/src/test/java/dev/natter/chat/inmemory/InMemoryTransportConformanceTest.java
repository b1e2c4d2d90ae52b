package dev.natter.chat.inmemory;

import dev.natter.chat.spi.ClientTransport;
import dev.natter.chat.spi.ServerTransport;
import dev.natter.chat.tck.TransportConformanceTest;

/** The in-memory transport passes the conformance suite. */
class InMemoryTransportConformanceTest extends TransportConformanceTest {

  @Override
  protected ServerTransport newServerTransport() {
    return InMemoryServerTransport.forName(InMemoryServerTransport.generateName());
  }

  @Override
  protected ClientTransport newClientTransport(ServerTransport server) {
    return InMemoryClientTransport.forName(((InMemoryServerTransport) server).name());
  }
}
