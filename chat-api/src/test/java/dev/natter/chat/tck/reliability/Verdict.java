package dev.natter.chat.tck.reliability;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The checker's verdict on a {@link DeliveryLog}, room by room.
 *
 * @param rooms every room the log saw a send, a delivery or a store snapshot of, by name
 */
public record Verdict(Map<String, Room> rooms) {

  /** How many problems of each kind a summary lists before it says "and N more". */
  private static final int SHOWN = 10;

  /** Copies the map. */
  public Verdict {
    rooms = Map.copyOf(rooms);
  }

  /**
   * One room's verdict.
   *
   * @param room the room
   * @param acked sends acknowledged with a {@code seq}
   * @param failed sends refused with a definite error
   * @param unknown sends whose outcome the client does not know
   * @param stored messages known to be stored: acknowledged, delivered to someone, or in the store
   * @param deliveries messages the clients' listeners got, all clients together
   * @param gaps times a client was told it may have missed messages ({@code recovered: false})
   * @param lost a stored message a client still looking never saw and was not told it may have
   *     missed; an acknowledged message missing from the store
   * @param duplicates a message a client's listener got twice; a send stored twice
   * @param reordered a message a client's listener got after a later one
   * @param unexpected a delivery of nothing sent, of a send that failed, or that disagrees with the
   *     acknowledgement or with another client about which message a {@code seq} is; a gap in the store
   */
  public record Room(
      String room,
      int acked,
      int failed,
      int unknown,
      int stored,
      int deliveries,
      int gaps,
      List<String> lost,
      List<String> duplicates,
      List<String> reordered,
      List<String> unexpected) {

    /** Copies the lists. */
    public Room {
      lost = List.copyOf(lost);
      duplicates = List.copyOf(duplicates);
      reordered = List.copyOf(reordered);
      unexpected = List.copyOf(unexpected);
    }

    /** Whether nothing was lost, duplicated, reordered or unexpected. */
    public boolean valid() {
      return lost.isEmpty() && duplicates.isEmpty() && reordered.isEmpty() && unexpected.isEmpty();
    }

    String summary() {
      StringBuilder out = new StringBuilder(String.format(
          "%s: %d acked, %d failed, %d unknown, %d stored, %d deliveries, %d gaps; "
              + "lost %d, duplicates %d, reordered %d, unexpected %d",
          room, acked, failed, unknown, stored, deliveries, gaps,
          lost.size(), duplicates.size(), reordered.size(), unexpected.size()));
      list(out, "lost", lost);
      list(out, "duplicate", duplicates);
      list(out, "reordered", reordered);
      list(out, "unexpected", unexpected);
      return out.toString();
    }

    private static void list(StringBuilder out, String kind, List<String> problems) {
      problems.stream().limit(SHOWN).forEach(p -> out.append("\n    ").append(kind).append(": ").append(p));
      if (problems.size() > SHOWN) {
        out.append("\n    ... and ").append(problems.size() - SHOWN).append(" more ").append(kind);
      }
    }
  }

  /** Whether every room is valid. */
  public boolean valid() {
    return rooms.values().stream().allMatch(Room::valid);
  }

  /** All rooms together: acknowledged sends. */
  public int acked() {
    return rooms.values().stream().mapToInt(Room::acked).sum();
  }

  /** All rooms together: deliveries. */
  public int deliveries() {
    return rooms.values().stream().mapToInt(Room::deliveries).sum();
  }

  /** All rooms together: gaps reported to clients. */
  public int gaps() {
    return rooms.values().stream().mapToInt(Room::gaps).sum();
  }

  /** All rooms together: messages lost. */
  public int lost() {
    return rooms.values().stream().mapToInt(r -> r.lost().size()).sum();
  }

  /** All rooms together: duplicates. */
  public int duplicates() {
    return rooms.values().stream().mapToInt(r -> r.duplicates().size()).sum();
  }

  /**
   * Whether nothing is in flight any more: no client still looking lacks a stored message it was not
   * told it may have missed.
   */
  boolean settled() {
    return lost() == 0;
  }

  /** One line per room, then the problems found, to print or to fail a test with. */
  public String summary() {
    return rooms.values().stream().sorted((a, b) -> a.room().compareTo(b.room()))
        .map(Room::summary).collect(Collectors.joining("\n", (valid() ? "valid" : "INVALID") + "\n", ""));
  }

  @Override
  public String toString() {
    return summary();
  }
}
