package dev.natter.chat.store.jdbc.internal;

import dev.natter.chat.ChatMessage;
import dev.natter.chat.Rooms;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.HistoryStore.NewMessage;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Shared mode's SQL (PostgreSQL only): several stores append to one database, so no writer may trust
 * what it remembers of a room. Inside the batch's transaction, and in this order:
 *
 * <ol>
 *   <li>{@link #claimCids}: each {@code (from_id, cid)} of the batch is claimed in table {@code cids};
 *       a claim held by another message whose {@code ts} is within {@link HistoryStore#CID_WINDOW} of
 *       the new one's refuses it (a duplicate).
 *   <li>{@link #reserve}: each room's {@code latest_seq} is advanced by the number of its new messages
 *       and read back, so the batch numbers them up to it.
 * </ol>
 *
 * <p>Both take row locks that are held until the commit, so two stores' batches of one room (or of one
 * cid) serialize: the second continues from what the first committed, or rolls back with it. Each takes
 * its locks in key order, cids before rooms, so two batches never wait on each other in a cycle; the
 * order is Java's {@link String} order, which need not be the database's collation, only the same in
 * every writer. The PostgreSQL deadlock detector stays the backstop.
 */
final class SharedNumbering {
  private static final String CLAIM_CIDS = "INSERT INTO cids (from_id, cid, mid, ts_millis)"
      + " SELECT f, c, m, t FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[])"
      + " WITH ORDINALITY AS x(f, c, m, t, n) ORDER BY n"
      + " ON CONFLICT (from_id, cid) DO UPDATE SET mid = excluded.mid, ts_millis = excluded.ts_millis"
      // A refused claim still locks the row (PostgreSQL locks it before testing the WHERE).
      + " WHERE cids.ts_millis < excluded.ts_millis - " + HistoryStore.CID_WINDOW.toMillis()
      + " RETURNING from_id, cid";
  private static final String CLAIMANT = "SELECT mid FROM cids WHERE from_id = ? AND cid = ?";
  private static final String MESSAGE_BY_MID = "SELECT room, seq, mid, from_id, from_name, to_id,"
      + " to_name, text, ts_millis, cid FROM messages WHERE mid = ?";
  private static final String RESERVE = "INSERT INTO rooms (room, epoch, latest_seq, direct)"
      + " SELECT r, CAST(? AS TEXT), c, d FROM unnest(?::text[], ?::bigint[], ?::int[])"
      + " WITH ORDINALITY AS x(r, c, d, n) ORDER BY n"
      + " ON CONFLICT (room) DO UPDATE SET latest_seq = rooms.latest_seq + excluded.latest_seq"
      + " RETURNING room, latest_seq";

  private SharedNumbering() {}

  /**
   * Session settings of the writer's connection. A batch waiting for a row that a stuck peer holds
   * fails after 2 s (with {@code internal}) instead of hanging; a transaction left open by a writer
   * that stopped mid-batch is ended by the server after 5 s, freeing its rows.
   */
  static void configure(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET lock_timeout = '2s'");
      statement.execute("SET idle_in_transaction_session_timeout = '5s'");
    }
  }

  /**
   * Claims the cids of the batch. Returns, by index in {@code batch}, the mid of the message that holds
   * the claim of each duplicate: an earlier message of the batch (same sender and cid), or one stored
   * before, by this store or another. Messages absent from the result are to be written.
   */
  static Map<Integer, String> claimCids(Connection connection, List<NewMessage> batch) throws SQLException {
    // The first message of a key in the batch claims it; later ones of that key follow its outcome.
    // (One statement must not touch a row twice, and they are within the window of each other.)
    Map<CidKey, Integer> firsts = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      NewMessage m = batch.get(i);
      if (m.cid() != null) {
        firsts.putIfAbsent(new CidKey(m.from().id(), m.cid()), i);
      }
    }
    Map<Integer, String> duplicates = new HashMap<>();
    if (firsts.isEmpty()) {
      return duplicates;
    }
    List<CidKey> keys = new ArrayList<>(firsts.keySet());
    keys.sort(CidKey.ORDER);
    int n = keys.size();
    String[] froms = new String[n];
    String[] cids = new String[n];
    String[] mids = new String[n];
    Long[] times = new Long[n];
    for (int k = 0; k < n; k++) {
      NewMessage m = batch.get(firsts.get(keys.get(k)));
      froms[k] = m.from().id();
      cids[k] = m.cid();
      mids[k] = m.mid();
      times[k] = m.ts().toEpochMilli();
    }
    Map<CidKey, String> holders = new HashMap<>();
    try (PreparedStatement claim = connection.prepareStatement(CLAIM_CIDS)) {
      claim.setArray(1, array(connection, "text", froms));
      claim.setArray(2, array(connection, "text", cids));
      claim.setArray(3, array(connection, "text", mids));
      claim.setArray(4, array(connection, "int8", times));
      try (ResultSet rows = claim.executeQuery()) {
        while (rows.next()) {
          CidKey key = new CidKey(rows.getString(1), rows.getString(2));
          holders.put(key, batch.get(firsts.get(key)).mid());
        }
      }
    }
    for (CidKey key : keys) {
      if (!holders.containsKey(key)) {
        holders.put(key, claimant(connection, key)); // refused: the row is ours (locked) to read
      }
    }
    for (int i = 0; i < batch.size(); i++) {
      NewMessage m = batch.get(i);
      if (m.cid() != null) {
        String holder = holders.get(new CidKey(m.from().id(), m.cid()));
        if (!holder.equals(m.mid())) {
          duplicates.put(i, holder);
        }
      }
    }
    return duplicates;
  }

  /**
   * Advances each room's {@code latest_seq} by its count (a new room starts in {@code epoch}) and
   * returns the new values. The rooms are locked in the map's order, which must be key order.
   */
  static Map<String, Long> reserve(Connection connection, SortedMap<String, Integer> counts, String epoch)
      throws SQLException {
    int n = counts.size();
    String[] rooms = new String[n];
    Long[] adds = new Long[n];
    Integer[] direct = new Integer[n];
    int k = 0;
    for (Map.Entry<String, Integer> room : counts.entrySet()) {
      rooms[k] = room.getKey();
      adds[k] = (long) room.getValue();
      direct[k] = Rooms.isDirect(room.getKey()) ? 1 : 0;
      k++;
    }
    Map<String, Long> latest = new HashMap<>();
    try (PreparedStatement upsert = connection.prepareStatement(RESERVE)) {
      upsert.setString(1, epoch);
      upsert.setArray(2, array(connection, "text", rooms));
      upsert.setArray(3, array(connection, "int8", adds));
      upsert.setArray(4, array(connection, "int4", direct));
      try (ResultSet rows = upsert.executeQuery()) {
        while (rows.next()) {
          latest.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    if (latest.size() != n) {
      throw new SQLException("reserved " + latest.size() + " of " + n + " rooms");
    }
    return latest;
  }

  /** A message already stored, by its mid (the holder of a claim this batch was refused). */
  static ChatMessage stored(Connection connection, String mid) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(MESSAGE_BY_MID)) {
      select.setString(1, mid);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          // Claims and messages are written in one transaction: this is not expected to happen.
          throw new SQLException("the message " + mid + " holding a cid claim is not stored");
        }
        String toId = rows.getString(6);
        return new ChatMessage(rows.getString(1), rows.getLong(2), rows.getString(3),
            new User(rows.getString(4), rows.getString(5)),
            toId == null ? null : new User(toId, rows.getString(7)), rows.getString(8),
            Instant.ofEpochMilli(rows.getLong(9)), rows.getString(10));
      }
    }
  }

  private static String claimant(Connection connection, CidKey key) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(CLAIMANT)) {
      select.setString(1, key.fromId());
      select.setString(2, key.cid());
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          throw new SQLException("a refused cid claim has no row");
        }
        return rows.getString(1);
      }
    }
  }

  private static Array array(Connection connection, String type, Object[] values) throws SQLException {
    return connection.createArrayOf(type, values);
  }

  private record CidKey(String fromId, String cid) {
    static final Comparator<CidKey> ORDER =
        Comparator.comparing(CidKey::fromId).thenComparing(CidKey::cid);
  }
}
