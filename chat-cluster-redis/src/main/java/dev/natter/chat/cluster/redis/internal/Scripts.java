package dev.natter.chat.cluster.redis.internal;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Lua scripts of the directories, one per operation: each is {@code common.lua} followed by the
 * operation's file, both resources of this package. Run by digest ({@code EVALSHA}); a Redis that does
 * not know a script (restarted, or its script cache flushed) gets it again with {@code SCRIPT LOAD} and
 * the call is repeated once. Not an API.
 */
public final class Scripts {
  private static final System.Logger LOG = System.getLogger(Scripts.class.getName());
  private static final String[] NO_KEYS = new String[0];

  /** The operations. */
  public enum Op {
    OPEN, DETACH, END, DISCONNECT, JOIN, LEAVE, KICK, MEMBERS, ONLINE, MUTE, REGISTER, RENEW, CLAIM, REAP, RELEASE,
    RECOVER, RESTORE;

    String file() {
      return name().toLowerCase(Locale.ROOT) + ".lua";
    }

    /**
     * Whether the script runs only in the Redis incarnation the node knows (common.lua): all but those
     * that learn it ({@code register}, {@code recover}) and the lease's release, harmless anywhere.
     */
    boolean checksIncarnation() {
      return this != REGISTER && this != RECOVER && this != RELEASE;
    }
  }

  private final Map<Op, String> sources = new EnumMap<>(Op.class);
  private final Map<Op, String> digests = new EnumMap<>(Op.class);

  /** Reads the scripts from the module's resources. */
  public Scripts() {
    String common = resource("common.lua");
    for (Op op : Op.values()) {
      String source = common + "\n-- " + op.file() + "\n" + resource(op.file());
      sources.put(op, source);
      digests.put(op, sha1(source));
    }
  }

  /** The script's full text, as Redis runs it. */
  public String source(Op op) {
    return sources.get(op);
  }

  /** Loads every script into Redis' script cache. */
  public void loadAll(RedisCommands<String, String> redis) {
    for (Op op : Op.values()) {
      load(redis, op);
    }
  }

  /**
   * Runs a script: {@code EVALSHA}, or after a {@code NOSCRIPT} answer {@code SCRIPT LOAD} and
   * {@code EVALSHA} again. Lettuce's exceptions pass through.
   *
   * @param argv the script's arguments from {@code ARGV[1]} (the prefix) on
   * @return the script's reply: a list of {@code Long}, {@code String} and nested lists
   */
  public List<Object> run(RedisCommands<String, String> redis, Op op, String... argv) {
    try {
      return redis.evalsha(digests.get(op), ScriptOutputType.MULTI, NO_KEYS, argv);
    } catch (RedisNoScriptException e) {
      LOG.log(System.Logger.Level.INFO, "Redis lost the script " + op.file() + " (restarted?): loading it again");
      load(redis, op);
      return redis.evalsha(digests.get(op), ScriptOutputType.MULTI, NO_KEYS, argv);
    }
  }

  private void load(RedisCommands<String, String> redis, Op op) {
    String digest = redis.scriptLoad(sources.get(op));
    if (!digests.get(op).equals(digest)) {
      throw new IllegalStateException("Redis named " + op.file() + " " + digest + ", expected " + digests.get(op));
    }
  }

  private static String resource(String name) {
    try (InputStream in = Scripts.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " next to " + Scripts.class.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String source) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(sha1.digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-1", e);
    }
  }
}
