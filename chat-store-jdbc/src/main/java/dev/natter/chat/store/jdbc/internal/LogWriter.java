package dev.natter.chat.store.jdbc.internal;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.Rooms;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore.NewMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The SQL of one batch: assigns each message its {@code seq} and writes the messages, the rooms' latest
 * {@code seq}, the users' names and the direct conversations, inside the caller's transaction.
 *
 * <p>Alone (the default), each room's latest {@code seq} is read from the database once and then kept
 * here, so a batch costs no query per message. This assumes one writer per database (one store); the
 * {@code (room, seq)} primary key is the last guard should two ever write to the same rooms.
 *
 * <p>Shared ({@link SharedNumbering}, PostgreSQL), nothing is trusted from memory: the batch claims its
 * cids, then reserves its rooms' {@code seq}s from the row-locked {@code rooms} counters, then writes;
 * users and directs are also upserted in key order, so that concurrent batches lock rows in one order.
 * Only the writer thread uses an instance.
 */
final class LogWriter {
  private static final int CACHED_ROOMS = 10_000;
  private static final int CACHED_USERS = 10_000;

  private static final String INSERT_MESSAGE = "INSERT INTO messages"
      + " (room, seq, mid, from_id, from_name, to_id, to_name, text, ts_millis, cid)"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String UPSERT_ROOM = "INSERT INTO rooms (room, epoch, latest_seq, direct)"
      + " VALUES (?, ?, ?, ?) ON CONFLICT (room) DO UPDATE SET latest_seq = excluded.latest_seq";
  private static final String UPSERT_USER = "INSERT INTO users (id, name) VALUES (?, ?)"
      + " ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE users.name <> excluded.name";
  private static final String UPSERT_DIRECT = "INSERT INTO directs"
      + " (user_id, room, with_id, with_name, latest_ts, latest_mid) VALUES (?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (user_id, room) DO UPDATE SET with_id = excluded.with_id,"
      + " with_name = excluded.with_name, latest_ts = excluded.latest_ts, latest_mid = excluded.latest_mid";

  private final String epoch;
  private final boolean shared;
  /** Committed latest seq per room; a room absent here is read from the database. */
  private final Map<String, Long> latestSeqs = lru(CACHED_ROOMS);
  /** Committed name per user id, to skip upserts that would change nothing. */
  private final Map<String, String> userNames = lru(CACHED_USERS);

  /** @param shared whether other stores may write to the same database (see the class comment) */
  LogWriter(String epoch, boolean shared) {
    this.epoch = epoch;
    this.shared = shared;
  }

  /** Sets up a new writer connection, before its first batch. */
  void prepare(Connection connection) throws SQLException {
    if (shared) {
      SharedNumbering.configure(connection);
    }
  }

  /** One batch's writes, to be handed to {@link #committed} once its transaction committed. */
  record Written(List<ChatMessage> messages, Map<String, Long> latestSeqs, Map<String, String> users) {}

  /**
   * Writes the messages in the caller's transaction; nothing is remembered until {@link #committed}.
   * The written messages are in batch order, one per message: for a duplicate cid (shared mode only),
   * the message first stored with it, and nothing is written for the duplicate.
   */
  Written write(Connection connection, List<NewMessage> batch) throws SQLException {
    return shared ? writeShared(connection, batch) : writeAlone(connection, batch);
  }

  // Alone, no cid is claimed in table cids: the only writer's engine finds duplicates in its
  // IdempotencyCache and through findByCid, so a claim would cost a write per cid message for nothing.
  private Written writeAlone(Connection connection, List<NewMessage> batch) throws SQLException {
    Map<String, Long> latest = new LinkedHashMap<>();
    List<ChatMessage> stored = new ArrayList<>(batch.size());
    for (NewMessage message : batch) {
      Long previous = latest.get(message.room());
      long seq = (previous != null ? previous : latestSeq(connection, message.room())) + 1;
      latest.put(message.room(), seq);
      stored.add(message.withSeq(seq));
    }
    insertMessages(connection, stored);
    upsertRooms(connection, latest);
    Map<String, String> users = upsertUsers(connection, stored);
    upsertDirects(connection, stored);
    return new Written(stored, latest, users);
  }

  private Written writeShared(Connection connection, List<NewMessage> batch) throws SQLException {
    Map<Integer, String> duplicates = SharedNumbering.claimCids(connection, batch);
    SortedMap<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < batch.size(); i++) {
      if (!duplicates.containsKey(i)) {
        counts.merge(batch.get(i).room(), 1, Integer::sum);
      }
    }
    Map<String, Long> next = new HashMap<>();
    if (!counts.isEmpty()) {
      Map<String, Long> latest = SharedNumbering.reserve(connection, counts, epoch);
      counts.forEach((room, count) -> next.put(room, latest.get(room) - count + 1));
    }
    List<ChatMessage> written = new ArrayList<>(batch.size());
    Map<String, ChatMessage> byMid = new HashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      if (!duplicates.containsKey(i)) {
        NewMessage message = batch.get(i);
        ChatMessage stored = message.withSeq(next.merge(message.room(), 1L, Long::sum) - 1);
        written.add(stored);
        byMid.put(stored.mid(), stored);
      }
    }
    if (!written.isEmpty()) {
      insertMessages(connection, written);
      upsertUsers(connection, written);
      upsertDirects(connection, written);
    }
    List<ChatMessage> outcomes = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      String holder = duplicates.get(i);
      if (holder == null) {
        outcomes.add(byMid.get(batch.get(i).mid()));
      } else {
        ChatMessage first = byMid.get(holder);
        if (first == null) {
          first = SharedNumbering.stored(connection, holder);
          byMid.put(holder, first);
        }
        outcomes.add(first);
      }
    }
    // Nothing is remembered: another store may change any of it before the next batch.
    return new Written(outcomes, Map.of(), Map.of());
  }

  /** Remembers what a committed batch wrote. */
  void committed(Written written) {
    latestSeqs.putAll(written.latestSeqs());
    userNames.putAll(written.users());
  }

  /**
   * Forgets what is known of these rooms, after a batch that touched them failed: whether its commit
   * reached the database may be unknown, so their latest seq is read again.
   */
  void forget(Collection<String> rooms) {
    latestSeqs.keySet().removeAll(rooms);
  }

  private long latestSeq(Connection connection, String room) throws SQLException {
    Long cached = latestSeqs.get(room);
    if (cached != null) {
      return cached;
    }
    try (PreparedStatement select = connection.prepareStatement("SELECT latest_seq FROM rooms WHERE room = ?")) {
      select.setString(1, room);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getLong(1) : 0;
      }
    }
  }

  private static void insertMessages(Connection connection, List<ChatMessage> messages) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT_MESSAGE)) {
      for (ChatMessage m : messages) {
        insert.setString(1, m.room());
        insert.setLong(2, m.seq());
        insert.setString(3, m.mid());
        insert.setString(4, m.from().id());
        insert.setString(5, m.from().name());
        insert.setString(6, m.to() == null ? null : m.to().id());
        insert.setString(7, m.to() == null ? null : m.to().name());
        insert.setString(8, m.text());
        insert.setLong(9, m.ts().toEpochMilli());
        if (m.cid() == null) {
          insert.setNull(10, Types.VARCHAR);
        } else {
          insert.setString(10, m.cid());
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private void upsertRooms(Connection connection, Map<String, Long> latest) throws SQLException {
    try (PreparedStatement upsert = connection.prepareStatement(UPSERT_ROOM)) {
      for (Map.Entry<String, Long> room : latest.entrySet()) {
        upsert.setString(1, room.getKey());
        // All rooms start in the store's epoch; the column lets a room's log be reset on its own later.
        upsert.setString(2, epoch);
        upsert.setLong(3, room.getValue());
        upsert.setInt(4, Rooms.isDirect(room.getKey()) ? 1 : 0);
        upsert.addBatch();
      }
      upsert.executeBatch();
    }
  }

  /** Upserts the names that changed, the last one of the batch winning; returns every name seen. */
  private Map<String, String> upsertUsers(Connection connection, List<ChatMessage> messages)
      throws SQLException {
    // Key order: concurrent shared batches lock the rows they touch in one order.
    Map<String, String> seen = new TreeMap<>();
    for (ChatMessage m : messages) {
      seen.put(m.from().id(), m.from().name());
      if (m.to() != null) {
        seen.put(m.to().id(), m.to().name());
      }
    }
    boolean any = false;
    try (PreparedStatement upsert = connection.prepareStatement(UPSERT_USER)) {
      for (Map.Entry<String, String> user : seen.entrySet()) {
        // Shared, another store may have renamed the user since: the upsert's WHERE skips no-ops.
        if (shared || !user.getValue().equals(userNames.get(user.getKey()))) {
          upsert.setString(1, user.getKey());
          upsert.setString(2, user.getValue());
          upsert.addBatch();
          any = true;
        }
      }
      if (any) {
        upsert.executeBatch();
      }
    }
    return seen;
  }

  /**
   * Each direct message is the latest of its room for both its users. Only the last per (user, room)
   * of the batch is written: one multi-row upsert must not touch a row twice.
   */
  private static void upsertDirects(Connection connection, List<ChatMessage> messages) throws SQLException {
    // Key order (user, room), as the users above.
    Map<List<String>, DirectRow> rows = new TreeMap<>(DIRECT_KEY_ORDER);
    for (ChatMessage m : messages) {
      if (m.to() != null) {
        rows.put(List.of(m.from().id(), m.room()), new DirectRow(m.from().id(), m.to(), m));
        rows.put(List.of(m.to().id(), m.room()), new DirectRow(m.to().id(), m.from(), m));
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement upsert = connection.prepareStatement(UPSERT_DIRECT)) {
      for (DirectRow row : rows.values()) {
        upsert.setString(1, row.userId());
        upsert.setString(2, row.latest().room());
        upsert.setString(3, row.with().id());
        upsert.setString(4, row.with().name());
        upsert.setLong(5, row.latest().ts().toEpochMilli());
        upsert.setString(6, row.latest().mid());
        upsert.addBatch();
      }
      upsert.executeBatch();
    }
  }

  private static final Comparator<List<String>> DIRECT_KEY_ORDER =
      Comparator.<List<String>, String>comparing(key -> key.get(0)).thenComparing(key -> key.get(1));

  private record DirectRow(String userId, User with, ChatMessage latest) {}

  private static <K, V> Map<K, V> lru(int capacity) {
    return new Lru<>(capacity);
  }

  /** Keeps the {@code capacity} most recently used entries. */
  private static final class Lru<K, V> extends LinkedHashMap<K, V> {
    private static final long serialVersionUID = 1L;
    private final int capacity;

    Lru(int capacity) {
      super(256, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
      return size() > capacity;
    }
  }
}
