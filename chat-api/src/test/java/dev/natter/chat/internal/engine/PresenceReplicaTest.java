package dev.natter.chat.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.natter.chat.Presence;
import dev.natter.chat.User;
import dev.natter.chat.spi.cluster.MembershipDirectory.Snapshot;
import dev.natter.chat.spi.cluster.PresenceChange;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The replica alone: presence changes offered before its first join answer, in order, out of order,
 * twice, or with a hole, are applied in version order, each once; a hole waits for a resync from the
 * directory's snapshot.
 */
class PresenceReplicaTest {
  private static final String ROOM = "general";
  private static final User ALICE = new User("alice", "Alice");
  private static final User BOB = new User("bob", "Bob");
  private static final User CAROL = new User("carol", "Carol");
  private static final User DAVE = new User("dave", "Dave");

  private final PresenceReplica replica = new PresenceReplica(ROOM);

  @Test
  void holdsEverythingBeforeItsInit() {
    assertThat(replica.offer(joins(ALICE, 1))).isEmpty();
    assertThat(replica.offer(joins(BOB, 2))).isEmpty();

    assertThat(replica.initialized()).isFalse();
    assertThat(replica.applied()).isEqualTo(-1);
    assertThat(replica.members()).isEmpty();
    assertThat(replica.hasHeld()).isTrue();
    assertThat(replica.resync(new Snapshot(List.of(ALICE, BOB), 2))).as("a resync before init").isEmpty();
    assertThat(replica.initialized()).isFalse();
  }

  @Test
  void initDropsWhatItsVersionCoversAndAppliesTheHeldSuccessors() {
    replica.offer(joins(ALICE, 1));
    replica.offer(joins(BOB, 2));
    replica.offer(joins(CAROL, 3));
    replica.offer(joins(DAVE, 5));

    List<PresenceChange> applied = replica.init(List.of(ALICE, BOB), 2);

    assertThat(applied).containsExactly(joins(CAROL, 3));
    assertThat(replica.members()).containsExactly(ALICE, BOB, CAROL);
    assertThat(replica.applied()).isEqualTo(3);
    assertThat(replica.hasHeld()).as("5 waits for 4").isTrue();
    assertThat(replica.initialized()).isTrue();
  }

  @Test
  void initHappensOnce() {
    replica.init(List.of(ALICE), 1);

    assertThat(replica.init(List.of(ALICE, BOB), 2)).isEmpty();

    assertThat(replica.members()).containsExactly(ALICE);
    assertThat(replica.applied()).isEqualTo(1);
  }

  @Test
  void inOrderChangesApplyAtOnce() {
    replica.init(List.of(), 0);

    assertThat(replica.offer(joins(BOB, 1))).containsExactly(joins(BOB, 1));
    assertThat(replica.offer(joins(ALICE, 2))).containsExactly(joins(ALICE, 2));
    assertThat(replica.members()).as("sorted by id").containsExactly(ALICE, BOB);
    assertThat(replica.offer(leaves(BOB, 3))).containsExactly(leaves(BOB, 3));

    assertThat(replica.members()).containsExactly(ALICE);
    assertThat(replica.isMember("alice")).isTrue();
    assertThat(replica.isMember("bob")).isFalse();
    assertThat(replica.applied()).isEqualTo(3);
    assertThat(replica.hasHeld()).isFalse();
  }

  @Test
  void outOfOrderChangesApplyInVersionOrder() {
    replica.init(List.of(), 0);

    assertThat(replica.offer(leaves(ALICE, 3))).isEmpty();
    assertThat(replica.offer(joins(BOB, 2))).isEmpty();
    assertThat(replica.hasHeld()).isTrue();
    assertThat(replica.members()).isEmpty();

    assertThat(replica.offer(joins(ALICE, 1))).containsExactly(joins(ALICE, 1), joins(BOB, 2), leaves(ALICE, 3));
    assertThat(replica.members()).containsExactly(BOB);
    assertThat(replica.applied()).isEqualTo(3);
    assertThat(replica.hasHeld()).isFalse();
  }

  @Test
  void duplicatesAreDropped() {
    replica.init(List.of(), 0);
    replica.offer(joins(ALICE, 1));

    assertThat(replica.offer(joins(ALICE, 1))).as("applied already").isEmpty();
    assertThat(replica.offer(joins(CAROL, 3))).isEmpty();
    assertThat(replica.offer(joins(CAROL, 3))).as("held already").isEmpty();
    assertThat(replica.offer(joins(BOB, 2))).containsExactly(joins(BOB, 2), joins(CAROL, 3));
    assertThat(replica.offer(joins(CAROL, 3))).isEmpty();

    assertThat(replica.members()).containsExactly(ALICE, BOB, CAROL);
    assertThat(replica.hasHeld()).isFalse();
  }

  @Test
  void aHoleStaysHeldUntilAResyncClosesIt() {
    replica.init(List.of(ALICE), 1);
    replica.offer(joins(CAROL, 3));
    replica.offer(leaves(ALICE, 4));
    assertThat(replica.offer(joins(DAVE, 6))).isEmpty();
    assertThat(replica.applied()).isEqualTo(1);
    assertThat(replica.hasHeld()).isTrue();

    List<PresenceChange> changes = replica.resync(new Snapshot(List.of(ALICE, BOB), 2));

    assertThat(changes).containsExactly(joins(BOB, 2), joins(CAROL, 3), leaves(ALICE, 4));
    assertThat(replica.members()).containsExactly(BOB, CAROL);
    assertThat(replica.applied()).isEqualTo(4);
    assertThat(replica.hasHeld()).as("6 waits for 5").isTrue();
  }

  @Test
  void aNewerSnapshotGivesTheDifferenceAtItsVersionThenTheHeldSuccessors() {
    replica.init(List.of(ALICE, BOB), 5);
    replica.offer(leaves(BOB, 7)); // covered by the snapshot
    replica.offer(joins(DAVE, 9));

    List<PresenceChange> changes = replica.resync(new Snapshot(List.of(BOB, CAROL), 8));

    assertThat(changes).containsExactly(
        new PresenceChange(Presence.leave(ROOM, ALICE, Presence.Reason.DISCONNECT), 8),
        joins(CAROL, 8),
        joins(DAVE, 9));
    assertThat(replica.members()).containsExactly(BOB, CAROL, DAVE);
    assertThat(replica.applied()).isEqualTo(9);
    assertThat(replica.hasHeld()).isFalse();
  }

  @Test
  void aSnapshotNotNewerChangesNothing() {
    replica.init(List.of(ALICE), 1);
    replica.offer(joins(BOB, 2));
    replica.offer(joins(DAVE, 4));

    assertThat(replica.resync(new Snapshot(List.of(CAROL), 2))).isEmpty();
    assertThat(replica.resync(new Snapshot(List.of(), 1))).isEmpty();

    assertThat(replica.members()).containsExactly(ALICE, BOB);
    assertThat(replica.applied()).isEqualTo(2);
    assertThat(replica.hasHeld()).isTrue();
  }

  @Test
  void resetForgetsEverything() {
    replica.init(List.of(ALICE), 3);
    replica.offer(joins(BOB, 5));

    replica.reset();

    assertThat(replica.initialized()).isFalse();
    assertThat(replica.applied()).isEqualTo(-1);
    assertThat(replica.members()).isEmpty();
    assertThat(replica.hasHeld()).isFalse();
    assertThat(replica.offer(joins(CAROL, 2))).as("holds again").isEmpty();
    assertThat(replica.init(List.of(BOB), 1)).as("from a lower version than before").containsExactly(joins(CAROL, 2));
    assertThat(replica.members()).containsExactly(BOB, CAROL);
  }

  private static PresenceChange joins(User user, long version) {
    return new PresenceChange(Presence.join(ROOM, user), version);
  }

  private static PresenceChange leaves(User user, long version) {
    return new PresenceChange(Presence.leave(ROOM, user, Presence.Reason.LEFT), version);
  }
}
