package dev.natter.chat.store.jdbc.internal;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.DirectConversation;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.PageRequest;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore.LogState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The store's reads, each a range scan or a key lookup on one pooled connection. They see committed
 * batches only. Failures throw {@link dev.natter.chat.ChatException} with {@code INTERNAL}; the details
 * go to the log.
 */
public final class HistoryReads implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HistoryReads.class.getName());
  private static final String MESSAGE_COLUMNS =
      "room, seq, mid, from_id, from_name, to_id, to_name, text, ts_millis, cid";

  /**
   * Names per statement of {@link #latestSeqs} without array parameters: under the 999 parameters that
   * SQLite allowed by default before 3.32.
   */
  static final int NAMES_PER_STATEMENT = 500;

  private final ReadPool pool;
  private final boolean arrays;
  private final String storeEpoch;
  private volatile boolean closed;

  /**
   * @param storeEpoch the epoch of rooms never written to: the one they get when first written
   * @param connections how many connections reads may hold at once
   */
  public HistoryReads(Database database, String storeEpoch, int connections) {
    this.pool = new ReadPool(database, connections);
    this.arrays = database.dialect().takesArrayParameters();
    this.storeEpoch = storeEpoch;
  }

  /** See {@link dev.natter.chat.spi.HistoryStore#state}. */
  public LogState state(String room) {
    return read(connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT r.epoch, r.latest_seq,"
          + " (SELECT MIN(m.seq) FROM messages m WHERE m.room = r.room) FROM rooms r WHERE r.room = ?")) {
        select.setString(1, room);
        try (ResultSet rows = select.executeQuery()) {
          if (!rows.next()) {
            return new LogState(storeEpoch, 1, 0);
          }
          long latest = rows.getLong(2);
          long first = rows.getLong(3);
          return new LogState(rows.getString(1), rows.wasNull() ? latest + 1 : first, latest);
        }
      }
    });
  }

  /**
   * See {@link dev.natter.chat.spi.HistoryStore#latestSeqs}. The committed {@code rooms.latest_seq}, as
   * {@link #state} reads it: in shared mode the counter the writers number from, alone the value each
   * batch writes with its messages.
   */
  public Map<String, Long> latestSeqs(Collection<String> rooms) {
    Objects.requireNonNull(rooms, "rooms");
    Set<String> names = new LinkedHashSet<>();
    for (String room : rooms) {
      names.add(Objects.requireNonNull(room, "room"));
    }
    if (names.isEmpty()) {
      return Map.of();
    }
    List<String> distinct = new ArrayList<>(names);
    return read(connection -> {
      Map<String, Long> latest = new HashMap<>();
      distinct.forEach(room -> latest.put(room, 0L));
      if (arrays) {
        try (PreparedStatement select =
            connection.prepareStatement("SELECT room, latest_seq FROM rooms WHERE room = ANY(?)")) {
          select.setArray(1, connection.createArrayOf("text", distinct.toArray(String[]::new)));
          collectLatest(select, latest);
        }
      } else {
        // SQLite binds no arrays. Chunks of IN (...) on one connection rather than the default loop over
        // state(): a key lookup per name either way, but not a pool round and a MIN(seq) per room. SQLite
        // serves one node only, so long lists are not expected here; chunks keep any length working.
        for (int from = 0; from < distinct.size(); from += NAMES_PER_STATEMENT) {
          List<String> chunk = distinct.subList(from, Math.min(distinct.size(), from + NAMES_PER_STATEMENT));
          String sql = "SELECT room, latest_seq FROM rooms WHERE room IN ("
              + "?, ".repeat(chunk.size() - 1) + "?)";
          try (PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < chunk.size(); i++) {
              select.setString(i + 1, chunk.get(i));
            }
            collectLatest(select, latest);
          }
        }
      }
      return Collections.unmodifiableMap(latest);
    });
  }

  private static void collectLatest(PreparedStatement select, Map<String, Long> latest) throws SQLException {
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        latest.put(rows.getString(1), rows.getLong(2));
      }
    }
  }

  /** See {@link dev.natter.chat.spi.HistoryStore#read}; {@code more} as the in-memory store has it. */
  public HistoryPage read(String room, PageRequest request) {
    return read(connection -> {
      String where;
      String order;
      switch (request.direction()) {
        case BEFORE -> {
          where = " AND seq < ?";
          order = " DESC";
        }
        case AFTER -> {
          where = " AND seq > ?";
          order = " ASC";
        }
        default -> {
          where = "";
          order = " DESC";
        }
      }
      // One row beyond the limit tells whether there are more.
      String sql = "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE room = ?" + where
          + " ORDER BY seq" + order + " LIMIT ?";
      List<ChatMessage> messages = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        int index = 1;
        select.setString(index++, room);
        if (!where.isEmpty()) {
          select.setLong(index++, request.seq());
        }
        select.setLong(index, request.limit() + 1L);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            messages.add(message(rows));
          }
        }
      }
      boolean more = messages.size() > request.limit();
      if (more) {
        messages.remove(messages.size() - 1);
      }
      if (request.direction() != PageRequest.Direction.AFTER) {
        Collections.reverse(messages);
      }
      return new HistoryPage(room, epoch(connection, room), messages, more);
    });
  }

  /** See {@link dev.natter.chat.spi.HistoryStore#findByCid}: the newest such message. */
  public Optional<ChatMessage> findByCid(String userId, String cid, Instant notBefore) {
    return read(connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + MESSAGE_COLUMNS
          + " FROM messages WHERE from_id = ? AND cid = ? AND ts_millis >= ?"
          + " ORDER BY ts_millis DESC, mid DESC LIMIT 1")) {
        select.setString(1, userId);
        select.setString(2, cid);
        select.setLong(3, notBefore.toEpochMilli());
        try (ResultSet rows = select.executeQuery()) {
          return rows.next() ? Optional.of(message(rows)) : Optional.empty();
        }
      }
    });
  }

  /** See {@link dev.natter.chat.spi.HistoryStore#findUser}: the name last seen. */
  public Optional<User> findUser(String userId) {
    return read(connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT name FROM users WHERE id = ?")) {
        select.setString(1, userId);
        try (ResultSet rows = select.executeQuery()) {
          return rows.next() ? Optional.of(new User(userId, rows.getString(1))) : Optional.empty();
        }
      }
    });
  }

  /** See {@link dev.natter.chat.spi.HistoryStore#directConversations}. */
  public List<DirectConversation> directConversations(String userId, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return read(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT d.room, d.with_id, d.with_name, r.latest_seq, r.epoch FROM directs d"
              + " JOIN rooms r ON r.room = d.room WHERE d.user_id = ?"
              + " ORDER BY d.latest_ts DESC, d.latest_mid DESC LIMIT ?")) {
        select.setString(1, userId);
        select.setInt(2, limit);
        List<DirectConversation> conversations = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            conversations.add(new DirectConversation(rows.getString(1),
                new User(rows.getString(2), rows.getString(3)), rows.getLong(4), rows.getString(5)));
          }
        }
        return conversations;
      }
    });
  }

  /** See {@link dev.natter.chat.spi.HistoryStore#rooms}: sorted as Java sorts strings. */
  public List<String> rooms() {
    return read(connection -> {
      List<String> rooms = new ArrayList<>();
      try (PreparedStatement select =
          connection.prepareStatement("SELECT room FROM rooms WHERE direct = 0 AND latest_seq > 0")) {
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            rooms.add(rows.getString(1));
          }
        }
      }
      // Sorted here, not in SQL: a database's collation need not be Java's String order.
      Collections.sort(rooms);
      return rooms;
    });
  }

  /**
   * See {@link dev.natter.chat.spi.HistoryStore#setBanned}. One statement on a pooled connection in
   * auto-commit: bans are rare, and need neither the writer's order nor its batching.
   */
  public void setBanned(String room, String userId, boolean banned) {
    read(connection -> {
      try (PreparedStatement statement = connection.prepareStatement(banned
          ? "INSERT INTO bans (room, user_id) VALUES (?, ?) ON CONFLICT (room, user_id) DO NOTHING"
          : "DELETE FROM bans WHERE room = ? AND user_id = ?")) {
        statement.setString(1, room);
        statement.setString(2, userId);
        return statement.executeUpdate();
      }
    });
  }

  /** See {@link dev.natter.chat.spi.HistoryStore#isBanned}. */
  public boolean isBanned(String room, String userId) {
    return read(connection -> {
      try (PreparedStatement select =
          connection.prepareStatement("SELECT 1 FROM bans WHERE room = ? AND user_id = ?")) {
        select.setString(1, room);
        select.setString(2, userId);
        try (ResultSet rows = select.executeQuery()) {
          return rows.next();
        }
      }
    });
  }

  /** Closes the connections; reads after this fail. Idempotent. */
  @Override
  public void close() {
    closed = true;
    pool.close();
  }

  private <T> T read(ReadPool.Read<T> read) {
    return run(read, "a history read failed", Failures.READ_FAILED);
  }

  /**
   * Runs one piece of work (a read, or one statement in auto-commit) on a pooled connection. A failure
   * is logged with {@code logMessage} and its details, and thrown as {@code INTERNAL} with
   * {@code failure}, which names no SQL, path or credential.
   */
  <T> T run(ReadPool.Read<T> work, String logMessage, String failure) {
    if (closed) {
      throw Failures.internal(Failures.CLOSED);
    }
    try {
      return pool.read(work);
    } catch (SQLException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, logMessage, e);
      throw Failures.internal(failure, e);
    }
  }

  /**
   * Like {@link #run}, for work on rows that hold secrets: a database's message may quote the row (as
   * PostgreSQL's "Failing row contains (...)" does), so the log gets the failure's type and SQL state
   * only, and the exception thrown has no cause.
   */
  <T> T runQuietly(ReadPool.Read<T> work, String logMessage, String failure) {
    if (closed) {
      throw Failures.internal(Failures.CLOSED);
    }
    try {
      return pool.read(work);
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.WARNING, logMessage + ": " + e.getClass().getName() + ", SQL state "
          + e.getSQLState() + ", error code " + e.getErrorCode());
      throw Failures.internal(failure);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, logMessage + ": " + e.getClass().getName());
      throw Failures.internal(failure);
    }
  }

  private String epoch(Connection connection, String room) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT epoch FROM rooms WHERE room = ?")) {
      select.setString(1, room);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getString(1) : storeEpoch;
      }
    }
  }

  private static ChatMessage message(ResultSet rows) throws SQLException {
    String toId = rows.getString(6);
    return new ChatMessage(
        rows.getString(1),
        rows.getLong(2),
        rows.getString(3),
        new User(rows.getString(4), rows.getString(5)),
        toId == null ? null : new User(toId, rows.getString(7)),
        rows.getString(8),
        Instant.ofEpochMilli(rows.getLong(9)),
        rows.getString(10));
  }
}
