package dev.natter.chat.websocket.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.MimeHeaders;

/**
 * Takes credential headers out of WebSocket upgrade requests before Tyrus sees (and may log) them; see
 * {@link CredentialVault}. A ticket header sent by the client itself is dropped, so it cannot redeem
 * anything.
 */
final class CredentialFilter extends BaseFilter {
  private final CredentialVault vault;

  private CredentialFilter(CredentialVault vault) {
    this.vault = vault;
  }

  /** An add-on that puts the filter before the HTTP server's handlers; register it before Tyrus's. */
  static AddOn addOn(CredentialVault vault) {
    return new AddOn() {
      @Override
      public void setup(NetworkListener listener, FilterChainBuilder builder) {
        builder.add(builder.indexOfType(HttpServerFilter.class), new CredentialFilter(vault));
      }
    };
  }

  @Override
  public NextAction handleRead(FilterChainContext ctx) throws IOException {
    if (ctx.getMessage() instanceof HttpContent content
        && content.getHttpHeader() instanceof HttpRequestPacket request
        && !request.getUpgradeDC().isNull()) {
      MimeHeaders headers = request.getHeaders();
      headers.removeHeader(CredentialVault.TICKET_HEADER);
      Map<String, List<String>> secrets = new HashMap<>();
      for (String name : CredentialVault.SECRET_HEADERS) {
        List<String> values = new ArrayList<>();
        headers.values(name).forEach(values::add);
        if (!values.isEmpty()) {
          secrets.put(name.toLowerCase(Locale.ROOT), values);
          headers.removeHeader(name);
        }
      }
      if (!secrets.isEmpty()) {
        headers.setValue(CredentialVault.TICKET_HEADER).setString(vault.deposit(secrets));
      }
    }
    return ctx.getInvokeAction();
  }
}
