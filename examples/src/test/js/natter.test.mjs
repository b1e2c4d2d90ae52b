// Tests of web/natter.js against a fake WebSocket and a fake clock: run with `node --test src/test/js/`
// from examples/ (the Maven build does, in the test phase).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { FakeClock, fakeWebSocketClass, settle } from "./fakes.mjs";
import { NatterClient, NatterError } from "./load-natter.mjs";

const URL_ = "ws://chat.test/chat";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const LIMITS = { maxFrameBytes: 65536, maxTextChars: 4000, pageMax: 100, rateLimit: { sends: 20, perMs: 10000 } };

function newClient(options = {}) {
  const WS = fakeWebSocketClass();
  const clock = new FakeClock();
  const client = new NatterClient({
    WebSocket: WS,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    random: () => 0.5,
    heartbeatMs: 0,
    ...options,
  });
  const events = { state: [], message: [], presence: [], recovery: [], error: [], welcome: [] };
  for (const type of Object.keys(events)) client.on(type, (e) => events[type].push(e));
  return { client, WS, clock, events };
}

function welcomeFrame(id, fields = {}) {
  return {
    type: "welcome", id, v: 1, user: { id: "alice", name: "Alice" }, session: "s1", resumed: false,
    directs: [], limits: LIMITS, ...fields,
  };
}

/** A client connected as Alice, with session token s1. */
async function connected(options = {}, welcome = {}) {
  const t = newClient(options);
  const done = t.client.connect(URL_, { name: "Alice" });
  const ws = t.WS.last;
  ws.open();
  await settle();
  ws.push(welcomeFrame(ws.lastOf("hello").id, welcome));
  t.welcome = await done;
  t.ws = ws;
  return t;
}

/** Drops the connection (1006), lets the backoff run and answers the new hello with `welcome`. */
async function reconnect(t, welcome = {}, { code = 1006, alreadyClosed = false } = {}) {
  if (!alreadyClosed) t.ws.serverClose(code);
  await t.clock.advance(t.events.state.at(-1).delayMs);
  const ws = t.WS.last;
  assert.notEqual(ws, t.ws, "a new socket was opened");
  ws.open();
  await settle();
  const hello = ws.lastOf("hello");
  ws.push(welcomeFrame(hello.id, { session: "s2", resumed: true, ...welcome }));
  await settle();
  t.ws = ws;
  return hello;
}

function message(room, seq, fields = {}) {
  return {
    type: "message", room, seq, mid: `m-${room}-${seq}`, from: { id: "bob", name: "Bob" },
    text: `text ${seq}`, ts: 1_700_000_000_000 + seq, ...fields,
  };
}

async function joinGeneral(t, fields = {}) {
  const p = t.client.join("general");
  t.ws.reply("join", "joined", {
    room: "general", epoch: "e1", seq: 5, members: [{ id: "alice", name: "Alice" }], messages: [message("general", 5)],
    more: true, ...fields,
  });
  return p;
}

describe("hello and welcome", () => {
  test("connect sends hello with v and name, resolves with welcome", async () => {
    const { client, WS, events } = newClient();
    assert.equal(client.state, "idle");
    const done = client.connect(URL_, { name: "Alice" });
    assert.equal(client.state, "connecting");
    const ws = WS.last;
    assert.equal(ws.url, URL_);
    assert.equal(ws.sent.length, 0, "nothing is sent before the socket opens");
    ws.open();
    await settle();
    const hello = ws.lastOf("hello");
    assert.deepEqual({ ...hello, id: undefined }, { type: "hello", v: 1, name: "Alice", id: undefined });
    assert.equal(typeof hello.id, "string");
    ws.push(welcomeFrame(hello.id));
    const welcome = await done;
    assert.equal(welcome.session, "s1");
    assert.equal(client.state, "connected");
    assert.deepEqual(client.user, { id: "alice", name: "Alice" });
    assert.equal(client.session, "s1");
    assert.deepEqual(client.limits, LIMITS);
    assert.deepEqual(events.state.map((s) => s.state), ["connecting", "connected"]);
    assert.equal(events.welcome.length, 1);
  });

  test("a token goes in hello, a function token is called, a resume token is sent", async () => {
    const { client, WS } = newClient();
    client.connect(URL_, { token: async () => "jwt-1", resume: "old-session" });
    WS.last.open();
    await settle();
    const hello = WS.last.lastOf("hello");
    assert.equal(hello.token, "jwt-1");
    assert.equal(hello.resume, "old-session");
    assert.equal("name" in hello, false);
  });

  for (const code of ["name_taken", "invalid_name", "auth_failed"]) {
    test(`connect rejects with ${code} and does not reconnect`, async () => {
      const { client, WS, clock } = newClient();
      const done = client.connect(URL_, { name: "Alice" });
      WS.last.open();
      await settle();
      WS.last.reply("hello", "error", { code, message: "no" });
      await assert.rejects(done, (e) => e instanceof NatterError && e.code === code);
      assert.equal(client.state, "closed");
      assert.ok(WS.last.closedByClient, "the client closed the socket");
      await clock.advance(120_000);
      assert.equal(WS.instances.length, 1);
    });
  }

  test("a server that cannot be reached rejects connect with unavailable", async () => {
    const { client, WS } = newClient();
    const done = client.connect(URL_, { name: "Alice" });
    WS.last.serverClose(1006);
    await assert.rejects(done, { code: "unavailable" });
    assert.equal(client.state, "closed");
  });

  test("no welcome in time rejects connect with timeout", async () => {
    const { client, WS, clock } = newClient({ connectTimeoutMs: 5000 });
    const done = client.connect(URL_, { name: "Alice" });
    const outcome = done.catch((e) => e);
    WS.last.open();
    await clock.advance(4999);
    assert.equal(client.state, "connecting");
    await clock.advance(1);
    assert.equal((await outcome).code, "timeout");
    assert.equal(client.state, "closed");
  });
});

describe("requests", () => {
  test("answers are matched to requests by id, whatever their order", async () => {
    const t = await connected();
    const rooms = t.client.rooms();
    const members = t.client.members("general");
    const [roomsReq, membersReq] = [t.ws.lastOf("rooms"), t.ws.lastOf("members")];
    assert.notEqual(roomsReq.id, membersReq.id);
    assert.equal(membersReq.room, "general");
    t.ws.push({ type: "members", id: membersReq.id, room: "general", members: [{ id: "bob", name: "Bob" }] });
    t.ws.push({ type: "rooms", id: roomsReq.id, rooms: [{ room: "general", members: 3 }] });
    assert.deepEqual(await rooms, [{ room: "general", members: 3 }]);
    assert.deepEqual(await members, [{ id: "bob", name: "Bob" }]);
  });

  test("every request id is unique and at most 64 characters", async () => {
    const t = await connected();
    for (let i = 0; i < 5; i++) t.client.ping().catch(() => {});
    const ids = t.ws.frames.map((f) => f.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.every((id) => typeof id === "string" && id.length <= 64));
  });

  test("an error answer rejects with its code; rate_limited carries retryAfterMs", async () => {
    const t = await connected();
    const join = t.client.join("bad room");
    t.ws.reply("join", "error", { code: "invalid_name", message: "room names have no spaces" });
    await assert.rejects(join, (e) => e instanceof NatterError && e.code === "invalid_name" && /no spaces/.test(e.message));
    const send = t.client.send("general", "hi");
    t.ws.reply("send", "error", { code: "rate_limited", message: "slow down", retryAfterMs: 1200 });
    await assert.rejects(send, (e) => e.code === "rate_limited" && e.retryAfterMs === 1200);
  });

  test("a request with no answer times out", async () => {
    const t = await connected({ requestTimeoutMs: 3000 });
    const rooms = t.client.rooms();
    let settled = false;
    rooms.catch(() => {}).finally(() => (settled = true));
    await t.clock.advance(2999);
    assert.equal(settled, false);
    await t.clock.advance(1);
    await assert.rejects(rooms, { code: "timeout" });
  });

  test("requests pending when the connection drops reject with unavailable; so do new ones", async () => {
    const t = await connected();
    const rooms = t.client.rooms();
    t.ws.serverClose(1006);
    await assert.rejects(rooms, { code: "unavailable" });
    await assert.rejects(t.client.members("general"), { code: "unavailable" });
  });

  test("history sends before/after and limit", async () => {
    const t = await connected();
    const older = t.client.history("general", { before: 58, limit: 20 });
    assert.deepEqual(t.ws.lastOf("history"), { type: "history", id: t.ws.lastOf("history").id, room: "general", before: 58, limit: 20 });
    t.ws.reply("history", "history", { room: "general", epoch: "e1", messages: [message("general", 57)], more: true });
    assert.equal((await older).messages[0].seq, 57);
    t.client.history("general", { after: 3 }).catch(() => {});
    assert.equal(t.ws.lastOf("history").after, 3);
  });

  test("leave sends leave and stops following the room", async () => {
    const t = await connected();
    await joinGeneral(t);
    assert.deepEqual(t.client.followedRooms, ["general"]);
    const left = t.client.leave("general");
    t.ws.reply("leave", "ok");
    await left;
    assert.deepEqual(t.client.followedRooms, []);
  });
});

describe("sending", () => {
  test("a send carries a random cid and resolves with the ok and that cid", async () => {
    const t = await connected();
    const sent = t.client.send("general", "hi all");
    const frame = t.ws.lastOf("send");
    assert.equal(frame.room, "general");
    assert.equal(frame.text, "hi all");
    assert.match(frame.cid, UUID);
    t.ws.push({ type: "ok", id: frame.id, room: "general", seq: 58, mid: "01JD", ts: 5 });
    assert.deepEqual(await sent, { type: "ok", id: frame.id, room: "general", seq: 58, mid: "01JD", ts: 5, cid: frame.cid });
    t.client.send("general", "again").catch(() => {});
    assert.notEqual(t.ws.lastOf("send").cid, frame.cid);
  });

  test("a given cid is used", async () => {
    const t = await connected();
    t.client.send("general", "hi", { cid: "c-7f1" }).catch(() => {});
    assert.equal(t.ws.lastOf("send").cid, "c-7f1");
  });

  test("sendDirect names the user with to", async () => {
    const t = await connected();
    const sent = t.client.sendDirect("bob", "psst");
    const frame = t.ws.lastOf("send");
    assert.equal(frame.to, "bob");
    assert.equal("room" in frame, false);
    assert.match(frame.cid, UUID);
    t.ws.push({ type: "ok", id: frame.id, room: "dm:alice:bob", seq: 3, mid: "m", ts: 1 });
    assert.equal((await sent).room, "dm:alice:bob");
  });

  test("blank or too long text is refused locally and never sent", async () => {
    const t = await connected({}, { limits: { ...LIMITS, maxTextChars: 5, maxFrameBytes: 200 } });
    await assert.rejects(t.client.send("general", " \n\t"), { code: "bad_request" });
    await assert.rejects(t.client.send("general", "\u{1F600}".repeat(6)), { code: "too_large" });
    assert.ok(await Promise.race([t.client.send("general", "\u{1F600}".repeat(5)).then(() => "x", () => "x"), settle().then(() => "pending")]));
    assert.equal(t.ws.framesOf("send").length, 1, "five emoji are five characters: sent");
    const bigClient = await connected({}, { limits: { ...LIMITS, maxFrameBytes: 100 } });
    await assert.rejects(bigClient.client.send("general", "x".repeat(120)), { code: "too_large" });
    assert.equal(bigClient.ws.framesOf("send").length, 0);
  });

  test("a send pending when the connection drops is resent with the same cid after the reconnect", async () => {
    const t = await connected();
    await joinGeneral(t);
    const sent = t.client.send("general", "are you there?");
    const first = t.ws.lastOf("send");
    t.ws.serverClose(1006);
    await settle();
    const queued = t.client.send("general", "typed while offline");
    assert.equal(t.client.state, "reconnecting");
    await reconnect(t, {}, { alreadyClosed: true });
    const ws = t.ws;
    const resent = ws.framesOf("send");
    assert.equal(resent.length, 2);
    assert.equal(resent[0].cid, first.cid);
    assert.equal(resent[0].text, "are you there?");
    assert.notEqual(resent[0].id, first.id, "a new request id on the new connection");
    assert.equal(resent[1].text, "typed while offline");
    // the rejoin goes out before the resent sends, so a fresh session is a member again first
    const types = ws.frames.map((f) => f.type);
    assert.ok(types.indexOf("join") < types.indexOf("send"), types.join());
    ws.push({ type: "ok", id: resent[0].id, room: "general", seq: 9, mid: "m9", ts: 9 });
    ws.push({ type: "ok", id: resent[1].id, room: "general", seq: 10, mid: "m10", ts: 10 });
    assert.equal((await sent).cid, first.cid);
    assert.equal((await queued).seq, 10);
  });

  test("the outbox is failed with unavailable when the client closes", async () => {
    const t = await connected();
    t.ws.serverClose(1006);
    await settle();
    const queued = t.client.send("general", "never");
    t.client.close();
    await assert.rejects(queued, { code: "unavailable" });
  });
});

describe("deliveries", () => {
  test("messages and presence are emitted; a mid is delivered only once", async () => {
    const t = await connected();
    await joinGeneral(t);
    t.ws.push(message("general", 6));
    t.ws.push(message("general", 6));
    t.ws.push({ type: "presence", room: "general", event: "join", user: { id: "bob", name: "Bob" } });
    t.ws.push(message("general", 5)); // already in the joined page
    assert.deepEqual(t.events.message.map((m) => m.seq), [6]);
    assert.equal(t.events.presence.length, 1);
    assert.equal(t.client.cursor("general").seq, 6);
  });

  test("messages handed out by history are not emitted again", async () => {
    const t = await connected();
    await joinGeneral(t);
    const page = t.client.history("general", { after: 5 });
    t.ws.reply("history", "history", { room: "general", epoch: "e1", messages: [message("general", 6)], more: false });
    await page;
    t.ws.push(message("general", 6));
    t.ws.push(message("general", 7));
    assert.deepEqual(t.events.message.map((m) => m.seq), [7]);
    assert.equal(t.client.cursor("general").seq, 7);
  });

  test("an error without id is emitted as an error event", async () => {
    const t = await connected();
    t.ws.push({ type: "error", code: "bad_request", message: "broken JSON" });
    assert.equal(t.events.error[0].code, "bad_request");
  });

  test("the cursor is the last seq with nothing missing before it", async () => {
    const t = await connected();
    await joinGeneral(t);
    t.ws.push(message("general", 7));
    assert.equal(t.client.cursor("general").seq, 5, "6 is missing");
    t.ws.push(message("general", 6));
    assert.deepEqual(t.client.cursor("general"), { seq: 7, epoch: "e1" });
  });
});

describe("reconnecting", () => {
  test("resumes with the latest session token each time", async () => {
    const t = await connected();
    const hello1 = await reconnect(t, { session: "s2" });
    assert.equal(hello1.resume, "s1");
    assert.equal(hello1.name, "Alice");
    assert.equal(t.client.session, "s2");
    const hello2 = await reconnect(t, { session: "s3" });
    assert.equal(hello2.resume, "s2");
    assert.equal(t.client.state, "connected");
    assert.deepEqual(
      t.events.state.map((s) => s.state),
      ["connecting", "connected", "reconnecting", "connected", "reconnecting", "connected"],
    );
  });

  test("rejoins with since = last seq + epoch and emits what was missed, paging with history after", async () => {
    const t = await connected();
    await joinGeneral(t);
    t.ws.push(message("general", 6));
    t.ws.push(message("general", 7));
    await reconnect(t);
    const join = t.ws.lastOf("join");
    assert.deepEqual(join.since, { seq: 7, epoch: "e1" });
    assert.equal(join.room, "general");
    t.events.message.length = 0;
    t.ws.push({
      type: "joined", id: join.id, room: "general", epoch: "e1", seq: 10, members: [], recovered: true, more: true,
      messages: [message("general", 7), message("general", 8)],
    });
    await settle();
    t.ws.push(message("general", 11)); // live, while catching up
    const history = t.ws.lastOf("history");
    assert.equal(history.after, 8);
    t.ws.push({ type: "history", id: history.id, room: "general", epoch: "e1", more: false,
      messages: [message("general", 9), message("general", 10)] });
    await settle();
    assert.deepEqual(t.events.message.map((m) => m.seq), [8, 11, 9, 10], "7 was seen already");
    assert.equal(t.events.recovery.length, 1);
    assert.equal(t.events.recovery[0].recovered, true);
    assert.equal(t.client.cursor("general").seq, 11);
  });

  test("recovered: false hands over the latest page and resets the cursor", async () => {
    const t = await connected();
    await joinGeneral(t);
    await reconnect(t, { resumed: false });
    const join = t.ws.lastOf("join");
    t.events.message.length = 0;
    const latest = [message("general", 2, { mid: "n2" }), message("general", 3, { mid: "n3" })];
    t.ws.push({ type: "joined", id: join.id, room: "general", epoch: "e2", seq: 3, members: [{ id: "alice", name: "Alice" }],
      recovered: false, more: false, messages: latest });
    await settle();
    assert.equal(t.events.recovery.length, 1);
    const r = t.events.recovery[0];
    assert.equal(r.recovered, false);
    assert.equal(r.room, "general");
    assert.deepEqual(r.joined.messages, latest);
    assert.equal(t.events.message.length, 0, "the page is for the app to show instead, not as new messages");
    assert.deepEqual(t.client.cursor("general"), { seq: 3, epoch: "e2" });
    t.ws.push(message("general", 3, { mid: "n3" }));
    assert.equal(t.events.message.length, 0);
  });

  test("a room the server no longer lets us join is dropped with a recovery error", async () => {
    const t = await connected();
    await joinGeneral(t);
    await reconnect(t);
    t.ws.reply("join", "error", { code: "forbidden", message: "banned" });
    await settle();
    assert.equal(t.events.recovery[0].error.code, "forbidden");
    assert.deepEqual(t.client.followedRooms, []);
  });

  test("a room missing from a resumed welcome's rooms (kicked while away) is not rejoined, and a leave is emitted", async () => {
    const t = await connected();
    await joinGeneral(t);
    const random = t.client.join("random");
    t.ws.reply("join", "joined", { room: "random", epoch: "e1", seq: 0, members: [], messages: [], more: false });
    await random;
    await reconnect(t, { rooms: ["random"] });
    assert.deepEqual(t.ws.framesOf("join").map((f) => f.room), ["random"]);
    assert.deepEqual(t.client.followedRooms, ["random"]);
    const leave = t.events.presence.at(-1);
    assert.equal(leave.room, "general");
    assert.equal(leave.event, "leave");
    assert.equal(leave.reason, "kicked");
    assert.equal(leave.user.id, "alice");
  });

  test("a welcome without rooms (an older server) rejoins every followed room", async () => {
    const t = await connected();
    await joinGeneral(t);
    await reconnect(t);
    assert.deepEqual(t.ws.framesOf("join").map((f) => f.room), ["general"]);
    assert.equal(t.events.presence.length, 0);
  });

  test("direct rooms from welcome are followed and rejoined with since", async () => {
    const t = await connected({}, { directs: [{ room: "dm:alice:bob", with: { id: "bob", name: "Bob" }, seq: 3, epoch: "d1" }] });
    t.ws.push(message("dm:alice:bob", 4, { to: { id: "alice", name: "Alice" } }));
    t.ws.push(message("dm:alice:carol", 1, { from: { id: "carol", name: "Carol" } }));
    assert.deepEqual(t.client.cursor("dm:alice:bob"), { seq: 4, epoch: "d1" });
    await reconnect(t, { directs: [
      { room: "dm:alice:carol", with: { id: "carol", name: "Carol" }, seq: 1, epoch: "d2" },
      { room: "dm:alice:bob", with: { id: "bob", name: "Bob" }, seq: 4, epoch: "d1" },
    ] });
    const joins = Object.fromEntries(t.ws.framesOf("join").map((j) => [j.room, j.since]));
    assert.deepEqual(joins, { "dm:alice:bob": { seq: 4, epoch: "d1" }, "dm:alice:carol": { seq: 1, epoch: "d2" } });
  });

  for (const code of [1000, 1003, 1009, 4000, 4001, 4002, 4003]) {
    test(`does not reconnect after close ${code}`, async () => {
      const t = await connected();
      t.ws.serverClose(code, "bye");
      await t.clock.advance(10 * 60_000);
      assert.equal(t.WS.instances.length, 1);
      assert.equal(t.client.state, "closed");
      assert.equal(t.events.state.at(-1).code, code);
    });
  }

  for (const code of [1001, 1006, 1011, 4009]) {
    test(`reconnects after close ${code}`, async () => {
      const t = await connected();
      t.ws.serverClose(code);
      assert.equal(t.client.state, "reconnecting");
      await t.clock.advance(1000);
      assert.equal(t.WS.instances.length, 2);
    });
  }

  test("after 4008 (flooding) it waits at least the rate limit's period", async () => {
    const t = await connected();
    t.ws.serverClose(4008);
    assert.equal(t.events.state.at(-1).delayMs, 10000);
    await t.clock.advance(9999);
    assert.equal(t.WS.instances.length, 1);
    await t.clock.advance(1);
    assert.equal(t.WS.instances.length, 2);
  });

  test("the backoff grows and is capped, and starts over after a welcome", async () => {
    for (const random of [() => 0, () => 0.999999]) {
      const t = await connected({ random, reconnect: { initialDelayMs: 100, maxDelayMs: 2000 } });
      t.ws.serverClose(1006);
      for (let i = 0; i < 8; i++) {
        await t.clock.advance(t.events.state.at(-1).delayMs);
        t.WS.last.serverClose(1006); // the server is still away
      }
      const delays = t.events.state.filter((s) => s.state === "reconnecting").map((s) => s.delayMs);
      assert.equal(delays.length, 9);
      for (let i = 1; i < delays.length; i++) assert.ok(delays[i] >= delays[i - 1], delays.join());
      assert.ok(delays.every((d) => d <= 2000), delays.join());
      assert.ok(delays[0] <= 100 && delays.at(-1) >= 1000, delays.join());
      assert.deepEqual(t.events.state.filter((s) => s.state === "reconnecting").map((s) => s.attempt), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // the server comes back
      await t.clock.advance(t.events.state.at(-1).delayMs);
      t.WS.last.open();
      await settle();
      const { id: _, ...welcome } = welcomeFrame(undefined, { session: "s2" });
      t.WS.last.reply("hello", "welcome", welcome);
      await settle();
      assert.equal(t.client.state, "connected");
      t.ws = t.WS.last;
      t.ws.serverClose(1006);
      assert.equal(t.events.state.at(-1).attempt, 1);
      assert.ok(t.events.state.at(-1).delayMs <= 100);
    }
  });

  test("jitter spreads the delays between half the cap and the cap", () => {
    const draws = [0, 0.25, 0.5, 0.999];
    for (const r of draws) {
      const c = new NatterClient({ random: () => r, reconnect: { initialDelayMs: 1000, maxDelayMs: 8000 } });
      const d = c.backoffDelay(3); // cap 4000
      assert.ok(d >= 2000 && d <= 4000, String(d));
    }
    assert.notEqual(
      new NatterClient({ random: () => 0 }).backoffDelay(5),
      new NatterClient({ random: () => 0.9 }).backoffDelay(5),
    );
  });

  test("a hello refused with auth_failed on reconnect stops with that error", async () => {
    const t = await connected();
    t.ws.serverClose(1006);
    await t.clock.advance(1000);
    t.WS.last.open();
    await settle();
    t.WS.last.reply("hello", "error", { code: "auth_failed", message: "token expired" });
    await settle();
    assert.equal(t.client.state, "closed");
    assert.equal(t.events.state.at(-1).error.code, "auth_failed");
    assert.equal(t.events.error.at(-1).code, "auth_failed");
    await t.clock.advance(600_000);
    assert.equal(t.WS.instances.length, 2);
  });

  test("a hello refused with name_taken on reconnect is retried (our old session may still hold it)", async () => {
    const t = await connected();
    t.ws.serverClose(1006);
    await t.clock.advance(1000);
    t.WS.last.open();
    await settle();
    t.WS.last.reply("hello", "error", { code: "name_taken", message: "taken" });
    await settle();
    assert.equal(t.client.state, "reconnecting");
    assert.equal(t.events.error.at(-1).code, "name_taken");
    await t.clock.advance(t.events.state.at(-1).delayMs);
    assert.equal(t.WS.instances.length, 3);
    assert.equal(t.WS.last.url, URL_);
  });

  test("close() ends the session with 1000 and never reconnects", async () => {
    const t = await connected();
    const pending = t.client.rooms();
    t.client.close();
    assert.deepEqual(t.ws.closedByClient, { code: 1000, reason: "bye" });
    await assert.rejects(pending, { code: "unavailable" });
    assert.equal(t.client.state, "closed");
    await t.clock.advance(600_000);
    assert.equal(t.WS.instances.length, 1);
  });

  test("reconnectNow skips the wait", async () => {
    const t = await connected({ reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    t.ws.serverClose(1006);
    assert.equal(t.WS.instances.length, 1);
    t.client.reconnectNow();
    assert.equal(t.WS.instances.length, 2);
  });

  test("a heartbeat without an answer counts as a lost connection", async () => {
    const t = await connected({ heartbeatMs: 20_000, requestTimeoutMs: 5000 });
    await t.clock.advance(20_000);
    const ping = t.ws.lastOf("ping");
    assert.ok(ping, "a ping was sent");
    await t.clock.advance(5000);
    assert.equal(t.client.state, "reconnecting");
    assert.equal(t.ws.closedByClient.code, 3000, "not 1000: the session stays in its grace period");
  });
});
