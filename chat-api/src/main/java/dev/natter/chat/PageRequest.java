package dev.natter.chat;

import java.util.Objects;

/**
 * Which page of a room's history to read: the latest messages, or those before or after a {@code seq}
 * (exclusive). Messages always come oldest first; the server cuts {@code limit} to its page maximum.
 *
 * @param direction where to read
 * @param seq the exclusive bound for {@link Direction#BEFORE} and {@link Direction#AFTER}; 0 for
 *     {@link Direction#LATEST}
 * @param limit how many messages at most, at least 1
 */
public record PageRequest(Direction direction, long seq, int limit) {

  /** The page size a request gets when it names none. */
  public static final int DEFAULT_LIMIT = 50;

  /** Validates the components. */
  public PageRequest {
    Objects.requireNonNull(direction, "direction");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    if (seq < 0 || (direction == Direction.LATEST && seq != 0)) {
      throw new IllegalArgumentException("bad seq for " + direction + ": " + seq);
    }
  }

  /** The latest {@code limit} messages. */
  public static PageRequest latest(int limit) {
    return new PageRequest(Direction.LATEST, 0, limit);
  }

  /** Up to {@code limit} messages right before {@code seq}, paging backwards. */
  public static PageRequest before(long seq, int limit) {
    return new PageRequest(Direction.BEFORE, seq, limit);
  }

  /** Up to {@code limit} messages right after {@code seq}, paging forwards. */
  public static PageRequest after(long seq, int limit) {
    return new PageRequest(Direction.AFTER, seq, limit);
  }

  /** This request with another limit. */
  public PageRequest withLimit(int newLimit) {
    return new PageRequest(direction, seq, newLimit);
  }

  /** Where a page is read. */
  public enum Direction {
    /** The newest messages; {@code more} says whether older ones exist. */
    LATEST,
    /** Older than {@code seq}; {@code more} says whether still older ones exist. */
    BEFORE,
    /** Newer than {@code seq}; {@code more} says whether still newer ones exist. */
    AFTER
  }
}
