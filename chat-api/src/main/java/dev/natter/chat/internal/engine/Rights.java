package dev.natter.chat.internal.engine;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.RoomAuthorizer;
import dev.natter.chat.User;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.cluster.MembershipDirectory;
import java.util.function.BooleanSupplier;

/**
 * What a user may do in a room beyond membership: bans (kept by the store), mutes (kept by the
 * cluster's membership directory, in memory for a server alone) and the application's {@link RoomAuthorizer}. Each check throws
 * {@code forbidden} when refused; a failing authorizer or store is {@code internal}.
 */
final class Rights {
  private static final System.Logger LOG = System.getLogger(Rights.class.getName());

  private final RoomAuthorizer authorizer;
  private final HistoryStore store;
  private final MembershipDirectory memberships;

  Rights(RoomAuthorizer authorizer, HistoryStore store, MembershipDirectory memberships) {
    this.authorizer = authorizer;
    this.store = store;
    this.memberships = memberships;
  }

  void checkJoin(User user, String room) {
    if (banned(user, room)) {
      throw forbidden("you are banned from " + room);
    }
    require(() -> authorizer.mayJoin(user, room), "you may not join " + room);
  }

  void checkSend(User user, String room) {
    if (memberships.isMuted(room, user.id())) {
      throw forbidden("you are muted in " + room);
    }
    require(() -> authorizer.maySend(user, room), "you may not send to " + room);
  }

  void checkReadHistory(User user, String room) {
    require(() -> authorizer.mayReadHistory(user, room), "you may not read the history of " + room);
  }

  boolean mayReadHistory(User user, String room) {
    return ask(() -> authorizer.mayReadHistory(user, room));
  }

  void mute(String room, String userId, boolean muted) {
    memberships.mute(room, userId, muted);
  }

  private boolean banned(User user, String room) {
    try {
      return store.isBanned(room, user.id());
    } catch (ChatException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "the history store failed to look up a ban", e);
      throw ChatStatus.of(Code.INTERNAL, "server error").asException();
    }
  }

  private static void require(BooleanSupplier right, String refusal) {
    if (!ask(right)) {
      throw forbidden(refusal);
    }
  }

  private static boolean ask(BooleanSupplier right) {
    try {
      return right.getAsBoolean();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "the room authorizer failed", e);
      throw ChatStatus.of(Code.INTERNAL, "server error").asException();
    }
  }

  private static ChatException forbidden(String message) {
    return ChatStatus.of(Code.FORBIDDEN, message).asException();
  }
}
