package dev.natter.chat.internal.engine;

import dev.natter.chat.ChatException;
import dev.natter.chat.ChatMessage;
import dev.natter.chat.ChatStatus;
import dev.natter.chat.ChatStatus.Code;
import dev.natter.chat.HistoryPage;
import dev.natter.chat.Limits;
import dev.natter.chat.PageRequest;
import dev.natter.chat.Presence;
import dev.natter.chat.Rooms;
import dev.natter.chat.User;
import dev.natter.chat.spi.ClientFrame;
import dev.natter.chat.spi.HistoryStore;
import dev.natter.chat.spi.ServerFrame;
import dev.natter.chat.spi.cluster.Cluster;
import dev.natter.chat.spi.cluster.MembershipDirectory;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The requests of a started session: join, leave, send, history, rooms, members, ping. Each runs on its
 * connection's lane and either returns the reply, or sends it itself and returns {@code null} (when it
 * must go out under a room's lock, or later). Checks run in the order PROTOCOL.md gives, and a refused
 * request changes nothing.
 */
final class Requests {
  private static final System.Logger LOG = System.getLogger(Requests.class.getName());

  private final HistoryStore store;
  private final Cluster cluster;
  private final RoomRegistry rooms;
  private final IdempotencyCache idempotency;
  private final Limits limits;
  private final Clock clock;
  private final Ids ids;
  private final Rights rights;

  Requests(
      HistoryStore store,
      Cluster cluster,
      RoomRegistry rooms,
      IdempotencyCache idempotency,
      Limits limits,
      Clock clock,
      Ids ids,
      Rights rights) {
    this.rights = rights;
    this.store = store;
    this.cluster = cluster;
    this.rooms = rooms;
    this.idempotency = idempotency;
    this.limits = limits;
    this.clock = clock;
    this.ids = ids;
  }

  ServerFrame handle(Connection connection, Session session, ClientFrame frame) {
    if (frame instanceof ClientFrame.Send send) {
      return send(connection, session, send);
    } else if (frame instanceof ClientFrame.Join join) {
      return join(connection, session, join);
    } else if (frame instanceof ClientFrame.Leave leave) {
      return leave(session, leave);
    } else if (frame instanceof ClientFrame.History history) {
      return history(session, history);
    } else if (frame instanceof ClientFrame.ListRooms list) {
      return new ServerFrame.RoomsReply(list.id(), rooms.list());
    } else if (frame instanceof ClientFrame.ListMembers list) {
      return members(session, list);
    } else if (frame instanceof ClientFrame.Ping ping) {
      return new ServerFrame.Pong(ping.id());
    } else if (frame instanceof ClientFrame.Malformed malformed) {
      throw Connection.badRequest(malformed.problem());
    }
    throw Connection.badRequest("unexpected frame: " + frame.getClass().getSimpleName());
  }

  // ---- join and leave ----

  private ServerFrame join(Connection connection, Session session, ClientFrame.Join join) {
    String name = required(join.room(), "room");
    int limit = pageLimit(join.limit());
    if ((join.sinceSeq() == null) != (join.sinceEpoch() == null)) {
      throw Connection.badRequest("since needs both seq and epoch");
    }
    if (join.sinceSeq() != null && join.sinceSeq() < 0) {
      throw Connection.badRequest("since.seq must not be negative");
    }
    List<User> directUsers = checkReadable(session, name, false);
    rights.checkJoin(session.user, name);
    boolean mayRead = rights.mayReadHistory(session.user, name);
    Room room = rooms.room(name);
    MembershipDirectory.Joined joined = null;
    if (directUsers == null) {
      // Followed first: no change the directory makes after its answer is missed here.
      rooms.beginJoin(room);
      try {
        joined = cluster.memberships().join(name, session.id, session.user);
      } catch (RuntimeException e) {
        rooms.endJoin(room);
        throw e;
      }
    }
    try {
      return joinLocked(connection, session, join, room, joined, directUsers, mayRead, limit);
    } finally {
      if (joined != null) {
        rooms.endJoin(room);
      }
    }
  }

  // The join's snapshot and answer under the room's lock. When reading the room fails after the
  // directory put the session in, the directory's join is undone.
  private ServerFrame joinLocked(Connection connection, Session session, ClientFrame.Join join, Room room,
      MembershipDirectory.Joined joined, List<User> directUsers, boolean mayRead, int limit) {
    RuntimeException readFailure;
    room.lock.lock();
    try {
      try {
        JoinView view = readJoinView(room, join, mayRead, limit);
        List<User> members = joined != null ? rooms.addMember(room, session, joined) : directUsers;
        // Sent under the lock, so no live message of this room can overtake it.
        connection.send(new ServerFrame.Joined(join.id(), room.name, view.log().epoch(), view.latest(),
            members, view.page().messages(), view.page().more(), view.recovered()));
        return null;
      } catch (StoreReadFailed e) {
        readFailure = e.failure;
      }
    } finally {
      room.lock.unlock();
    }
    if (joined != null) {
      undoJoin(session, room.name, joined);
    }
    throw readFailure;
  }

  private record JoinView(HistoryStore.LogState log, long latest, HistoryPage page, Boolean recovered) {}

  /** A store read of a join failed; carries its failure out of the locked section. */
  private static final class StoreReadFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final RuntimeException failure;

    StoreReadFailed(RuntimeException failure) {
      super(null, null, false, false);
      this.failure = failure;
    }
  }

  // What a join shows of the room's log. Under the room's lock.
  private JoinView readJoinView(Room room, ClientFrame.Join join, boolean mayRead, int limit) {
    String name = room.name;
    try {
      HistoryStore.LogState log = store.state(name);
      // The snapshot ends at the last message delivered live: any later one is stored but still on
      // its way, and reaches this session live once it is a member.
      long latest = Math.min(room.deliveredSeq, log.latestSeq());
      Boolean recovered = null;
      HistoryPage page;
      if (join.sinceSeq() != null) {
        long since = join.sinceSeq();
        recovered = join.sinceEpoch().equals(log.epoch())
            && since <= latest
            && since + 1 >= log.firstSeq();
        page = store.read(name, recovered ? PageRequest.after(since, limit) : PageRequest.latest(limit));
      } else {
        page = store.read(name, PageRequest.latest(limit));
      }
      page = upTo(page, latest, Boolean.TRUE.equals(recovered));
      if (!mayRead) {
        // Without the right to read history a join shows none, and a cursor recovers nothing.
        page = new HistoryPage(name, page.epoch(), List.of(), false);
        recovered = recovered == null ? null : Boolean.FALSE;
      }
      return new JoinView(log, latest, page, recovered);
    } catch (RuntimeException e) {
      throw new StoreReadFailed(e);
    }
  }

  // Reading the room failed after the directory put the session in: take it out again, announced.
  private void undoJoin(Session session, String room, MembershipDirectory.Joined joined) {
    try {
      if (joined.change() != null) {
        rooms.applyOwn(joined.change());
      }
      rooms.leave(session, room, Presence.Reason.LEFT);
    } catch (RuntimeException e) {
      // The directory is unreachable too: the session's end will take it out.
      LOG.log(System.Logger.Level.WARNING, "undoing a failed join of " + room + " failed", e);
    }
  }

  // Drops the messages of a page past `latest`. A forward page that lost some has nothing more to
  // fetch: the rest arrives live. A latest page keeps its `more`: what it dropped is newer, not older.
  private static HistoryPage upTo(HistoryPage page, long latest, boolean forward) {
    List<ChatMessage> messages = page.messages();
    int keep = messages.size();
    while (keep > 0 && messages.get(keep - 1).seq() > latest) {
      keep--;
    }
    if (keep == messages.size()) {
      return page;
    }
    return new HistoryPage(page.room(), page.epoch(), messages.subList(0, keep), !forward && page.more());
  }

  private ServerFrame leave(Session session, ClientFrame.Leave leave) {
    String name = required(leave.room(), "room");
    if (!session.rooms.contains(name)) {
      throw notMember(name);
    }
    rooms.leave(session, name, Presence.Reason.LEFT);
    return new ServerFrame.Ok(leave.id());
  }

  // ---- send ----

  private ServerFrame send(Connection connection, Session session, ClientFrame.Send send) {
    User me = session.user;
    // 1. shape
    if ((send.room() == null) == (send.to() == null)) {
      throw Connection.badRequest("send needs either room or to");
    }
    if (send.text() == null || Texts.isBlank(send.text())) {
      throw Connection.badRequest("text must not be blank");
    }
    if (send.cid() != null && (send.cid().isEmpty() || send.cid().length() > 64)) {
      throw Connection.badRequest("cid must be 1 to 64 characters");
    }
    if (me.id().equals(send.to())) {
      throw Connection.badRequest("cannot send a direct message to yourself");
    }
    // 2. a duplicate cid gets the first send's answer and takes no token
    long now = clock.millis();
    if (send.cid() != null) {
      CompletableFuture<ChatMessage> first = idempotency.lookup(me.id(), send.cid(), now);
      if (first != null) {
        return answerWith(connection, send.id(), first, "the first send failed");
      }
    }
    // 3. rate
    connection.takeSendToken(now);
    // 4. membership and rights
    String room;
    User to = null;
    if (send.to() != null) {
      to = knownUser(send.to());
      room = Rooms.direct(me.id(), to.id());
    } else if (Rooms.isDirect(send.room())) {
      List<User> pair = directPair(me, send.room());
      room = send.room();
      to = pair.get(0).id().equals(me.id()) ? pair.get(1) : pair.get(0);
    } else {
      room = send.room();
      if (!session.rooms.contains(room)) {
        throw notMember(room);
      }
    }
    rights.checkSend(me, room);
    // 5. length
    checkLength(send.text());
    if (send.cid() != null) {
      CompletableFuture<ChatMessage> first = idempotency.claim(me.id(), send.cid(), now);
      if (first != null) {
        return answerWith(connection, send.id(), first, "the first send failed");
      }
    }
    CompletableFuture<ChatMessage> stored = publish(room, me, to, send.text(), send.cid());
    if (send.cid() != null) {
      String cid = send.cid();
      stored.whenComplete((message, error) -> {
        if (error == null) {
          idempotency.completed(me.id(), cid, message);
        } else {
          idempotency.failed(me.id(), cid, error);
        }
      });
    }
    connection.sendAccepted();
    return answerWith(connection, send.id(), stored, "the message was not stored");
  }

  /**
   * Stores and delivers a message. The future completes once it was delivered; a store failure
   * completes it with {@code internal}.
   */
  CompletableFuture<ChatMessage> publish(String room, User from, User to, String text, String cid) {
    Instant ts = Instant.ofEpochMilli(clock.millis());
    HistoryStore.NewMessage message =
        new HistoryStore.NewMessage(room, ids.messageId(ts.toEpochMilli()), from, to, text, ts, cid);
    CompletableFuture<ChatMessage> delivered;
    try {
      cluster.checkWritable();
      delivered = rooms.publish(message);
    } catch (RuntimeException e) {
      // The room could not even be opened (its log state unreadable).
      delivered = CompletableFuture.failedFuture(e);
    }
    return delivered.handle((stored, error) -> {
      if (error == null) {
        return stored;
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      throw cause instanceof ChatException chat && chat.code() == Code.INTERNAL ? chat : internal(cause);
    });
  }

  /** Checks a text is not blank and not too long. */
  void checkText(String text) {
    if (text == null || Texts.isBlank(text)) {
      throw Connection.badRequest("text must not be blank");
    }
    checkLength(text);
  }

  private void checkLength(String text) {
    if (text.codePointCount(0, text.length()) > limits.maxTextChars()) {
      throw ChatStatus.of(Code.TOO_LARGE, "text is longer than " + limits.maxTextChars() + " characters")
          .asException();
    }
  }

  // Answers a send with its outcome: now when it is known, later (returning null) when it is not.
  private ServerFrame answerWith(
      Connection connection, String id, CompletableFuture<ChatMessage> outcome, String failure) {
    if (outcome.isDone() && !outcome.isCompletedExceptionally()) {
      return sendOk(id, outcome.join());
    }
    outcome.whenComplete((message, error) -> connection.send(error == null
        ? sendOk(id, message)
        : new ServerFrame.ErrorReply(id, ChatStatus.of(Code.INTERNAL, failure))));
    return null;
  }

  private static ServerFrame.SendOk sendOk(String id, ChatMessage message) {
    return new ServerFrame.SendOk(id, message.room(), message.seq(), message.mid(), message.ts());
  }

  // ---- reading ----

  private ServerFrame history(Session session, ClientFrame.History history) {
    String name = required(history.room(), "room");
    if (history.before() != null && history.after() != null) {
      throw Connection.badRequest("history takes before or after, not both");
    }
    if ((history.before() != null && history.before() < 0) || (history.after() != null && history.after() < 0)) {
      throw Connection.badRequest("before and after must not be negative");
    }
    int limit = pageLimit(history.limit());
    checkReadable(session, name, true);
    rights.checkReadHistory(session.user, name);
    PageRequest request = history.before() != null ? PageRequest.before(history.before(), limit)
        : history.after() != null ? PageRequest.after(history.after(), limit)
        : PageRequest.latest(limit);
    HistoryPage page = store.read(name, request);
    return new ServerFrame.HistoryReply(history.id(), name, page.epoch(), page.messages(), page.more());
  }

  private ServerFrame members(Session session, ClientFrame.ListMembers list) {
    String name = required(list.room(), "room");
    List<User> pair = checkReadable(session, name, false);
    return new ServerFrame.MembersReply(list.id(), name, pair != null ? pair : rooms.members(name));
  }

  /**
   * Checks the session may read the room: a direct room only its two users (whose pair it returns); any
   * other room when valid, and when {@code membersOnly}, only if the session joined it.
   */
  private List<User> checkReadable(Session session, String room, boolean membersOnly) {
    if (Rooms.isDirect(room)) {
      return directPair(session.user, room);
    }
    if (!Rooms.isValidName(room)) {
      throw ChatStatus.of(Code.INVALID_NAME, "invalid room name").asException();
    }
    if (membersOnly && !session.rooms.contains(room)) {
      throw notMember(room);
    }
    return null;
  }

  /** The two users of a direct room that {@code me} is one of; {@code forbidden} otherwise. */
  private List<User> directPair(User me, String room) {
    String[] ids = Rooms.directUsers(room);
    if (ids == null || !(ids[0].equals(me.id()) || ids[1].equals(me.id()))) {
      throw ChatStatus.of(Code.FORBIDDEN, "a direct room of others").asException();
    }
    String other = ids[0].equals(me.id()) ? ids[1] : ids[0];
    User otherUser = cluster.sessions().knownUser(other).or(() -> store.findUser(other)).orElse(null);
    if (otherUser == null) {
      throw ChatStatus.of(Code.NOT_FOUND, "no such user: " + other).asException();
    }
    List<User> pair = List.of(me, otherUser);
    return ids[0].equals(me.id()) ? pair : List.of(otherUser, me);
  }

  private User knownUser(String id) {
    if (!User.isValidId(id)) {
      throw ChatStatus.of(Code.NOT_FOUND, "no such user").asException();
    }
    return cluster.sessions().knownUser(id)
        .or(() -> store.findUser(id))
        .orElseThrow(() -> ChatStatus.of(Code.NOT_FOUND, "no such user: " + id).asException());
  }

  // ---- small checks ----

  private int pageLimit(Integer requested) {
    if (requested == null) {
      return Math.min(PageRequest.DEFAULT_LIMIT, limits.pageMax());
    }
    if (requested <= 0) {
      throw Connection.badRequest("limit must be positive");
    }
    return Math.min(requested, limits.pageMax());
  }

  private static String required(String value, String field) {
    if (value == null) {
      throw Connection.badRequest("missing field: " + field);
    }
    return value;
  }

  private static ChatException notMember(String room) {
    return ChatStatus.of(Code.NOT_MEMBER, "not a member of " + room).asException();
  }

  private static ChatException internal(Throwable cause) {
    return new ChatException(ChatStatus.of(Code.INTERNAL, "the message could not be stored"), cause);
  }
}
