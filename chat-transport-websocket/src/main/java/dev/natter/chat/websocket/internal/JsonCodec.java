package dev.natter.chat.websocket.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.ServerFrame;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The JSON form of PROTOCOL.md's frames, both directions.
 *
 * <p>Reading is strict and bounded before anything is built from the input: at most {@value
 * #MAX_NESTING} levels of nesting, strings no longer than the frame limit, numbers of at most {@value
 * #MAX_NUMBER_DIGITS} digits, no duplicate field names, nothing after the one value. Client input never makes {@link
 * #decodeClientFrame} throw: anything wrong becomes a {@link ClientFrame.Malformed} the engine answers
 * with {@code bad_request}. Writing uses the streaming generator, one pass, no intermediate tree.
 *
 * <p>Thread-safe; one instance serves every connection.
 */
public final class JsonCodec {
  /** PROTOCOL.md section 1: JSON nesting is limited to 32 levels. */
  static final int MAX_NESTING = 32;

  /** Enough for every long and int the protocol uses (a long has 19 digits). */
  static final int MAX_NUMBER_DIGITS = 19;

  private final ObjectMapper mapper;
  private final JsonFactory factory;

  /**
   * A codec for frames of at most {@code maxFrameBytes} (the transport enforces that limit on the
   * socket; the codec bounds string sizes by it as a second guard).
   */
  public JsonCodec(int maxFrameBytes) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
    }
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxStringLength(maxFrameBytes)
                    .maxNumberLength(MAX_NUMBER_DIGITS)
                    .maxDocumentLength(maxFrameBytes)
                    .maxNameLength(Math.min(maxFrameBytes, 1024))
                    .build())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    // One frame is one JSON value: anything after it is an error, not ignored.
    this.mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** Reads a frame a client sent. Never throws: bad input becomes {@link ClientFrame.Malformed}. */
  public ClientFrame decodeClientFrame(String text) {
    JsonNode tree;
    try {
      tree = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      return new ClientFrame.Malformed(null, "not valid JSON: " + e.getOriginalMessage());
    } catch (RuntimeException e) {
      // Jackson reports some limits as unchecked exceptions; none may escape to the connection.
      return new ClientFrame.Malformed(null, "not valid JSON");
    }
    return ClientFrames.read(tree);
  }

  /** Writes a frame the server sends. */
  public String encode(ServerFrame frame) {
    return write(generator -> ServerFrames.write(frame, generator));
  }

  /** Writes a frame the client sends. */
  public String encode(ClientFrame frame) {
    return write(generator -> ClientFrames.write(frame, generator));
  }

  /**
   * Reads a frame a server sent.
   *
   * @throws IllegalArgumentException when the text is not a frame of this protocol version
   */
  public ServerFrame decodeServerFrame(String text) {
    JsonNode tree;
    try {
      tree = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    } catch (RuntimeException e) {
      // Jackson reports some limits as unchecked exceptions, as in decodeClientFrame.
      throw new IllegalArgumentException("not valid JSON", e);
    }
    try {
      return ServerFrames.read(tree);
    } catch (RuntimeException e) {
      // A missing or mistyped field (BadField), or a value the API's records refuse: a user name or id
      // outside the rules (ChatException), a message in a room that is no room. Found by fuzzing; the
      // caller is promised an IllegalArgumentException for any frame it cannot read.
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private interface Writing {
    void writeTo(JsonGenerator generator) throws IOException;
  }

  private String write(Writing writing) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator generator = factory.createGenerator(out)) {
      writing.writeTo(generator);
    } catch (IOException e) {
      // A StringWriter does not fail; this is here for the checked signature.
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
