/**
 * natter.js: a small browser client for the Natter chat protocol, version 1 (docs/protocol.md).
 *
 * One file, no dependencies, an ES module: copy it into your page and import it.
 *
 *   import { NatterClient } from "./natter.js";
 *
 *   const chat = new NatterClient();
 *   chat.on("message", (m) => console.log(m.room, m.from.name, m.text));
 *   chat.on("state", (s) => console.log("connection:", s.state));
 *   const welcome = await chat.connect("wss://chat.example.com/chat", { name: "alice" });
 *   const joined = await chat.join("general");          // latest page of history, members
 *   await chat.send("general", "hi all");               // resolves with the server's ok
 *
 * CONSTRUCTOR  new NatterClient(options?)
 *   WebSocket          the WebSocket constructor (default globalThis.WebSocket); tests pass a fake
 *   requestTimeoutMs   how long a request waits for its answer while connected (10000)
 *   connectTimeoutMs   how long a connection may take from opening to welcome (10000)
 *   heartbeatMs        send a ping this often; no answer within requestTimeoutMs counts as a lost
 *                      connection (25000; 0 for none)
 *   reconnect          { initialDelayMs: 500, maxDelayMs: 30000, multiplier: 2 }: capped exponential
 *                      backoff; the delay of attempt n is drawn from [cap/2, cap], with
 *                      cap = min(maxDelayMs, initialDelayMs * multiplier^(n-1))
 *   random, setTimeout, clearTimeout, now    injectable for tests
 *
 * CONNECTION
 *   connect(url, { name?, token?, resume? })  -> Promise<welcome frame>
 *       Opens the socket and sends hello. `token` (a string, or a function returning one or a promise
 *       of one, called for every hello) goes to the server's authenticator; `resume` is the `session`
 *       of an earlier welcome (for instance kept in sessionStorage across a page reload). Rejects with
 *       a NatterError: name_taken, invalid_name, auth_failed, timeout, unavailable (no connection).
 *       Only after a first welcome does the client reconnect by itself.
 *   close()                 ends the session (close code 1000: the others see you leave at once)
 *   reconnectNow()          skips the backoff wait, or reconnects after a close that is not retried
 *   state                   "idle" | "connecting" | "connected" | "reconnecting" | "closed"
 *   user, session, limits, directs     from the latest welcome (session is the resume token)
 *
 * REQUESTS (each a Promise; an `error` answer rejects with a NatterError whose `code` is the
 * protocol's, plus `retryAfterMs` for rate_limited; no answer in time rejects with code "timeout";
 * a request made or pending while disconnected rejects with "unavailable", except sends, below)
 *   join(room, { since?: {seq, epoch}, limit? })  -> joined frame {room, epoch, seq, members,
 *                                                    messages, more, recovered?}
 *   leave(room)                                   -> ok frame
 *   send(room, text, { cid? })                    -> ok frame {room, seq, mid, ts} plus its cid
 *   sendDirect(userId, text, { cid? })            -> ok frame (room is the dm:... room)
 *   history(room, { before?, after?, limit? })    -> history frame {room, epoch, messages, more}
 *   rooms()                                       -> [{room, members}]
 *   members(room)                                 -> [{id, name}]
 *   ping()                                        -> pong frame
 *   A send carries a `cid` (crypto.randomUUID unless given) and is kept in an outbox until its `ok`:
 *   after a lost connection it is resent with the same cid, so the server stores it once. Text that is
 *   blank or over welcome.limits is refused locally (bad_request, too_large) and never sent.
 *
 * EVENTS  on(type, listener) -> function that removes the listener; off(type, listener)
 *   "state"      {state, code?, reason?, attempt?, delayMs?, error?, resumed?}
 *   "welcome"    the welcome frame, after every (re)connection
 *   "message"    a message frame {room, seq, mid, from, to?, text, ts, cid?}: live messages and those
 *                caught up after a reconnect; each mid at most once
 *   "presence"   a presence frame {room, event: "join"|"leave", user, reason?}
 *   "recovery"   {room, recovered, joined, error?} after the automatic rejoin of a room following a
 *                reconnect. recovered: true means every missed message was emitted as a "message";
 *                false means the client could not tell what it missed: show joined.messages (the
 *                latest page) instead of what you had. joined.members is the room's member list.
 *   "error"      a NatterError not tied to a request of yours (a failed reconnect, an error without id)
 *
 * RECONNECTING
 *   After a lost connection (and the close codes 1001, 1006, 4008 after a pause, 4009, ...) the client
 *   reconnects with backoff and resumes its session with the last resume token. It then rejoins every
 *   room it is in, direct rooms too, with `since` = the last seq it saw and the room's epoch, emits the
 *   messages it missed (paging with history `after` when there are more) and resends the outbox. It
 *   does not reconnect by itself after 1000, 1003, 1009, 4000, 4001, 4002 and 4003 (protocol §7), nor
 *   after a hello refused for a reason a retry cannot fix (auth_failed, invalid_name).
 *
 *   NatterClient.directRoom(a, b)  the name of the direct room of two user ids
 */

const NO_RECONNECT = new Set([1000, 1003, 1009, 4000, 4001, 4002, 4003]);
// hello refusals a later attempt may get past (a name still held by our own dropped session).
const RETRY_HELLO = new Set(["name_taken", "internal", "timeout", "unavailable"]);
const SEEN_MAX = 20000;
const CLIENT_DROP = 3000; // our close code for a connection we gave up on: the session stays in grace

/** An error answer of the server, or one of the client's own: timeout, unavailable. */
export class NatterError extends Error {
  constructor(code, message, frame) {
    super(message || code);
    this.name = "NatterError";
    /** The protocol's error code (bad_request, rate_limited, ...) or timeout / unavailable. */
    this.code = code;
    /** The error frame, when the server sent one. */
    this.frame = frame;
    if (frame && typeof frame.retryAfterMs === "number") {
      this.retryAfterMs = frame.retryAfterMs;
    }
  }
}

/** A random UUID; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function randomId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") {
    try {
      return c.randomUUID();
    } catch {
      // not a secure context
    }
  }
  const b = new Uint8Array(16);
  if (c && typeof c.getRandomValues === "function") {
    c.getRandomValues(b);
  } else {
    for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  }
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function utf8Length(s) {
  return new TextEncoder().encode(s).length;
}

function codePoints(s) {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export class NatterClient {
  #WS;
  #o;
  #listeners = new Map();
  #ws = null;
  #url = null;
  #auth = {};
  #state = "idle";
  #user = null;
  #session = null;
  #limits = {};
  #directs = [];
  #nextId = 1;
  #pending = new Map(); // request id -> {resolve, reject, timer, entry?}
  #outbox = []; // sends waiting for their ok, across reconnects
  #rooms = new Map(); // room -> {epoch, cursor, ahead: Set<seq>}
  #seen = new Set(); // mids already emitted or handed out
  #attempt = 0;
  #welcomed = false;
  #closing = false;
  #helloError = null;
  #helloTimer = null;
  #reconnectTimer = null;
  #heartbeatTimer = null;
  #connectWaiter = null; // {resolve, reject} of the first connect()

  constructor(options = {}) {
    const rc = options.reconnect || {};
    this.#WS = options.WebSocket || globalThis.WebSocket;
    this.#o = {
      requestTimeoutMs: options.requestTimeoutMs ?? 10000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10000,
      heartbeatMs: options.heartbeatMs ?? 25000,
      initialDelayMs: rc.initialDelayMs ?? 500,
      maxDelayMs: rc.maxDelayMs ?? 30000,
      multiplier: rc.multiplier ?? 2,
      random: options.random || Math.random,
      setTimeout: options.setTimeout || ((f, ms) => globalThis.setTimeout(f, ms)),
      clearTimeout: options.clearTimeout || ((t) => globalThis.clearTimeout(t)),
    };
  }

  // ---- public state ----

  get state() {
    return this.#state;
  }
  get user() {
    return this.#user;
  }
  get session() {
    return this.#session;
  }
  get limits() {
    return this.#limits;
  }
  get directs() {
    return this.#directs;
  }

  /** The client's cursor for a room it follows: {seq, epoch}, or null. */
  cursor(room) {
    const r = this.#rooms.get(room);
    return r ? { seq: r.cursor, epoch: r.epoch } : null;
  }

  /** The rooms (direct rooms included) the client rejoins after a reconnect. */
  get followedRooms() {
    return [...this.#rooms.keys()];
  }

  static directRoom(a, b) {
    return "dm:" + [a, b].sort().join(":");
  }

  // ---- events ----

  on(type, listener) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(listener);
    return () => this.off(type, listener);
  }

  off(type, listener) {
    const set = this.#listeners.get(type);
    if (set) set.delete(listener);
  }

  #emit(type, payload) {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (e) {
        console.error(`natter: a "${type}" listener failed`, e);
      }
    }
  }

  #setState(state, detail = {}) {
    this.#state = state;
    this.#emit("state", { state, ...detail });
  }

  // ---- connection ----

  connect(url, { name, token, resume } = {}) {
    if (this.#state !== "idle" && this.#state !== "closed") {
      return Promise.reject(new NatterError("bad_request", "already connected or connecting"));
    }
    if (!this.#WS) {
      return Promise.reject(new NatterError("unavailable", "no WebSocket implementation"));
    }
    this.#url = url;
    this.#auth = { name, token };
    this.#session = resume || null;
    this.#welcomed = false;
    this.#closing = false;
    this.#attempt = 0;
    this.#rooms.clear();
    this.#outbox = [];
    return new Promise((resolve, reject) => {
      this.#connectWaiter = { resolve, reject };
      this.#setState("connecting");
      this.#openSocket();
    });
  }

  close() {
    this.#closing = true;
    this.#clearTimer("reconnect");
    const ws = this.#ws;
    if (ws) {
      this.#detach(ws);
      try {
        ws.close(1000, "bye");
      } catch {
        // already closed
      }
      this.#onClose(1000, "closed by the client");
    } else if (this.#state !== "closed" && this.#state !== "idle") {
      this.#finish(1000, "closed by the client");
    }
  }

  reconnectNow() {
    if (this.#state === "reconnecting" && this.#reconnectTimer !== null) {
      this.#clearTimer("reconnect");
      this.#setState("reconnecting", { attempt: this.#attempt, delayMs: 0 });
      this.#openSocket();
    } else if (this.#state === "closed" && this.#welcomed && this.#url) {
      this.#closing = false;
      this.#attempt = 1;
      this.#setState("reconnecting", { attempt: 1, delayMs: 0 });
      this.#openSocket();
    }
  }

  #clearTimer(which) {
    const t = which === "reconnect" ? this.#reconnectTimer : which === "hello" ? this.#helloTimer : this.#heartbeatTimer;
    if (t !== null) this.#o.clearTimeout(t);
    if (which === "reconnect") this.#reconnectTimer = null;
    else if (which === "hello") this.#helloTimer = null;
    else this.#heartbeatTimer = null;
  }

  #openSocket() {
    let ws;
    try {
      ws = new this.#WS(this.#url);
    } catch (e) {
      this.#helloError = new NatterError("unavailable", `cannot open ${this.#url}: ${e.message}`);
      this.#onClose(1006, "cannot open");
      return;
    }
    this.#ws = ws;
    this.#helloError = null;
    ws.onopen = () => {
      if (ws === this.#ws) this.#sendHello(ws);
    };
    ws.onmessage = (ev) => {
      if (ws === this.#ws) this.#onFrame(ev.data);
    };
    ws.onclose = (ev) => {
      if (ws === this.#ws) this.#onClose(ev.code, ev.reason);
    };
    ws.onerror = () => {
      // a close event follows
    };
    this.#helloTimer = this.#o.setTimeout(() => {
      this.#helloTimer = null;
      if (ws === this.#ws && !this.#isOpenSession()) {
        this.#helloError = new NatterError("timeout", "no welcome in time");
        this.#drop(ws, CLIENT_DROP, "no welcome in time");
      }
    }, this.#o.connectTimeoutMs);
  }

  #isOpenSession() {
    return this.#state === "connected";
  }

  async #sendHello(ws) {
    const frame = { type: "hello", v: 1 };
    let token = this.#auth.token;
    try {
      if (typeof token === "function") token = await token();
    } catch (e) {
      this.#helloError = new NatterError("auth_failed", `no token: ${e && e.message}`);
      this.#drop(ws, CLIENT_DROP, "no token");
      return;
    }
    if (ws !== this.#ws) return;
    if (this.#auth.name) frame.name = this.#auth.name;
    if (token) frame.token = token;
    if (this.#session) frame.resume = this.#session;
    this.#request(frame, this.#o.connectTimeoutMs).then(
      (welcome) => {
        if (ws === this.#ws) this.#onWelcome(welcome);
      },
      (err) => {
        if (ws !== this.#ws || err.code === "unavailable") return; // the close handles it
        this.#helloError = err;
        // Not 1000: should the server have taken over our session after all, it stays in its grace.
        this.#drop(ws, CLIENT_DROP, "hello refused");
      },
    );
  }

  #onWelcome(w) {
    this.#clearTimer("hello");
    const first = !this.#welcomed;
    this.#welcomed = true;
    this.#attempt = 0;
    this.#user = w.user || null;
    this.#session = w.session || null;
    this.#limits = w.limits || {};
    this.#directs = Array.isArray(w.directs) ? w.directs : [];
    for (const d of this.#directs) {
      if (!d || typeof d.room !== "string") continue;
      const r = this.#rooms.get(d.room);
      if (!r) {
        this.#rooms.set(d.room, { epoch: d.epoch ?? null, cursor: d.seq ?? 0, ahead: new Set() });
      } else if (r.epoch == null) {
        r.epoch = d.epoch ?? null;
      }
    }
    this.#setState("connected", { resumed: !!w.resumed });
    this.#emit("welcome", w);
    if (first && this.#connectWaiter) {
      const waiter = this.#connectWaiter;
      this.#connectWaiter = null;
      waiter.resolve(w);
    }
    if (!first && w.resumed && Array.isArray(w.rooms)) this.#forgetRoomsRemovedWhileAway(w);
    if (!first) this.#rejoinAll();
    // After the joins, on the same connection: the server handles one connection's frames in order.
    for (const entry of this.#outbox) {
      if (entry.id === null) this.#transmit(entry);
    }
    this.#scheduleHeartbeat();
  }

  #scheduleHeartbeat() {
    this.#clearTimer("heartbeat");
    if (!this.#o.heartbeatMs) return;
    const ws = this.#ws;
    this.#heartbeatTimer = this.#o.setTimeout(() => {
      this.#heartbeatTimer = null;
      if (ws !== this.#ws || this.#state !== "connected") return;
      this.ping().then(
        () => {
          if (ws === this.#ws) this.#scheduleHeartbeat();
        },
        (err) => {
          if (ws === this.#ws && err.code === "timeout") this.#drop(ws, CLIENT_DROP, "no pong");
        },
      );
    }, this.#o.heartbeatMs);
  }

  /** Closes a socket we gave up on and handles it as closed with `code`, without waiting for it. */
  #drop(ws, code, reason) {
    if (ws !== this.#ws) return;
    this.#detach(ws);
    try {
      ws.close(code === 1000 || (code >= 3000 && code <= 4999) ? code : CLIENT_DROP, reason);
    } catch {
      // already closed
    }
    this.#onClose(code, reason);
  }

  #detach(ws) {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
  }

  #onClose(code, reason) {
    this.#ws = null;
    this.#clearTimer("hello");
    this.#clearTimer("heartbeat");
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      if (p.timer !== null) this.#o.clearTimeout(p.timer);
      if (p.entry) {
        p.entry.id = null; // stays in the outbox, resent after the next welcome
      } else {
        p.reject(new NatterError("unavailable", "the connection was lost before the answer came"));
      }
    }
    const helloError = this.#helloError;
    this.#helloError = null;
    if (!this.#welcomed) {
      const err = helloError || new NatterError("unavailable", `could not connect (close ${code})`);
      this.#finish(code, reason, err);
      if (this.#connectWaiter) {
        const waiter = this.#connectWaiter;
        this.#connectWaiter = null;
        waiter.reject(err);
      }
      return;
    }
    if (this.#closing) {
      this.#finish(code, reason);
      return;
    }
    if (helloError) {
      this.#emit("error", helloError);
      if (RETRY_HELLO.has(helloError.code)) {
        this.#scheduleReconnect(code, reason, helloError);
      } else {
        this.#finish(code, reason, helloError);
      }
      return;
    }
    if (NO_RECONNECT.has(code)) {
      this.#finish(code, reason);
      return;
    }
    this.#scheduleReconnect(code, reason);
  }

  #finish(code, reason, error) {
    this.#clearTimer("reconnect");
    const outbox = this.#outbox;
    this.#outbox = [];
    for (const entry of outbox) {
      entry.reject(new NatterError("unavailable", "the connection was closed before the send was confirmed"));
    }
    this.#setState("closed", { code, reason, ...(error ? { error } : {}) });
  }

  /** The delay before reconnect attempt n (1, 2, ...): capped exponential backoff with jitter. */
  backoffDelay(attempt) {
    const { initialDelayMs, maxDelayMs, multiplier, random } = this.#o;
    const cap = Math.min(maxDelayMs, initialDelayMs * Math.pow(multiplier, Math.max(0, attempt - 1)));
    return Math.round(cap / 2 + (random() * cap) / 2);
  }

  #scheduleReconnect(code, reason, error) {
    this.#attempt += 1;
    let delayMs = this.backoffDelay(this.#attempt);
    if (code === 4008) {
      // Kept flooding: reconnect, but only after a pause of at least the rate limit's period.
      const period = (this.#limits.rateLimit && this.#limits.rateLimit.perMs) || 10000;
      delayMs = Math.max(delayMs, period);
    }
    this.#setState("reconnecting", { code, reason, attempt: this.#attempt, delayMs, ...(error ? { error } : {}) });
    this.#reconnectTimer = this.#o.setTimeout(() => {
      this.#reconnectTimer = null;
      this.#openSocket();
    }, delayMs);
  }

  // ---- frames ----

  #onFrame(data) {
    let f;
    try {
      f = JSON.parse(data);
    } catch {
      this.#emit("error", new NatterError("bad_request", "the server sent a frame that is not JSON"));
      return;
    }
    if (!f || typeof f !== "object" || typeof f.type !== "string") return;
    if (typeof f.id === "string" && this.#pending.has(f.id)) {
      const p = this.#pending.get(f.id);
      this.#pending.delete(f.id);
      if (p.timer !== null) this.#o.clearTimeout(p.timer);
      if (f.type === "error") {
        p.reject(new NatterError(f.code || "internal", f.message, f));
      } else {
        p.resolve(f);
      }
      return;
    }
    switch (f.type) {
      case "message":
        this.#onMessage(f);
        break;
      case "presence":
        if (f.event === "leave" && f.reason === "kicked" && this.#user && f.user && f.user.id === this.#user.id) {
          this.#rooms.delete(f.room); // removed by the server: not rejoined after a reconnect
        }
        this.#emit("presence", f);
        break;
      case "error":
        this.#emit("error", new NatterError(f.code || "internal", f.message, f));
        break;
      default:
        // a late answer or an event this client does not know: ignored, as the protocol asks
        break;
    }
  }

  #remember(mid) {
    if (typeof mid !== "string") return true;
    if (this.#seen.has(mid)) return false;
    this.#seen.add(mid);
    if (this.#seen.size > SEEN_MAX) {
      const oldest = this.#seen.values().next().value;
      this.#seen.delete(oldest);
    }
    return true;
  }

  #advance(room, seq) {
    const r = this.#rooms.get(room);
    if (!r || typeof seq !== "number") return;
    if (seq <= r.cursor) return;
    if (seq === r.cursor + 1) {
      r.cursor = seq;
      while (r.ahead.has(r.cursor + 1)) {
        r.ahead.delete(r.cursor + 1);
        r.cursor += 1;
      }
    } else {
      r.ahead.add(seq);
    }
  }

  #resetCursor(room, epoch, seq) {
    let r = this.#rooms.get(room);
    if (!r) {
      r = { epoch: null, cursor: 0, ahead: new Set() };
      this.#rooms.set(room, r);
    }
    r.epoch = epoch ?? null;
    r.cursor = typeof seq === "number" ? seq : 0;
    for (const s of [...r.ahead]) if (s <= r.cursor) r.ahead.delete(s);
    while (r.ahead.has(r.cursor + 1)) {
      r.ahead.delete(r.cursor + 1);
      r.cursor += 1;
    }
    return r;
  }

  #onMessage(m) {
    if (typeof m.room !== "string") return;
    if (!this.#remember(m.mid)) return; // already delivered
    if (!this.#rooms.has(m.room) && m.room.startsWith("dm:") && typeof m.seq === "number") {
      // A direct room starts being followed with its first message; its epoch comes with the next
      // welcome's directs or history answer.
      this.#rooms.set(m.room, { epoch: null, cursor: m.seq, ahead: new Set() });
    } else {
      this.#advance(m.room, m.seq);
    }
    this.#emit("message", m);
  }

  // ---- requests ----

  #sendFrame(frame) {
    const json = JSON.stringify(frame);
    const max = this.#limits.maxFrameBytes;
    if (max && utf8Length(json) > max) {
      throw new NatterError("too_large", `the frame is over the server's ${max} bytes`);
    }
    this.#ws.send(json);
  }

  #request(frame, timeoutMs = this.#o.requestTimeoutMs) {
    const hello = frame.type === "hello";
    if (!this.#ws || (!hello && this.#state !== "connected")) {
      return Promise.reject(new NatterError("unavailable", "not connected"));
    }
    const id = String(this.#nextId++);
    return new Promise((resolve, reject) => {
      try {
        this.#sendFrame({ ...frame, id });
      } catch (e) {
        reject(e instanceof NatterError ? e : new NatterError("unavailable", e.message));
        return;
      }
      const timer = this.#o.setTimeout(() => {
        if (this.#pending.get(id)) {
          this.#pending.delete(id);
          reject(new NatterError("timeout", `no answer to ${frame.type} in ${timeoutMs} ms`));
        }
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer, entry: null });
    });
  }

  async join(room, { since, limit } = {}) {
    const frame = { type: "join", room };
    if (since) frame.since = { seq: since.seq, epoch: since.epoch };
    if (limit) frame.limit = limit;
    const joined = await this.#request(frame);
    const messages = joined.messages || [];
    for (const m of messages) this.#remember(m.mid);
    if (since && joined.recovered === true) {
      // The caller has seen up to since.seq; more: true leaves the rest to history `after`.
      this.#resetCursor(room, joined.epoch, since.seq);
      for (const m of messages) this.#advance(room, m.seq);
      if (!joined.more) this.#resetCursor(room, joined.epoch, Math.max(joined.seq, this.cursor(room).seq));
    } else {
      this.#resetCursor(room, joined.epoch, joined.seq);
    }
    return joined;
  }

  async leave(room) {
    try {
      const ok = await this.#request({ type: "leave", room });
      this.#rooms.delete(room);
      return ok;
    } catch (e) {
      if (e.code === "not_member" && !room.startsWith("dm:")) this.#rooms.delete(room);
      throw e;
    }
  }

  send(room, text, { cid } = {}) {
    return this.#enqueueSend({ type: "send", room, text, cid: cid || randomId() });
  }

  sendDirect(userId, text, { cid } = {}) {
    return this.#enqueueSend({ type: "send", to: userId, text, cid: cid || randomId() });
  }

  #enqueueSend(frame) {
    if (this.#state !== "connected" && this.#state !== "reconnecting") {
      return Promise.reject(new NatterError("unavailable", "not connected"));
    }
    if (typeof frame.text !== "string" || !/\S/u.test(frame.text)) {
      return Promise.reject(new NatterError("bad_request", "the message is blank"));
    }
    const maxChars = this.#limits.maxTextChars;
    if (maxChars && codePoints(frame.text) > maxChars) {
      return Promise.reject(new NatterError("too_large", `the message is longer than ${maxChars} characters`));
    }
    const maxBytes = this.#limits.maxFrameBytes;
    if (maxBytes && utf8Length(JSON.stringify({ ...frame, id: "0000000000" })) > maxBytes) {
      return Promise.reject(new NatterError("too_large", `the message is over the server's ${maxBytes} bytes`));
    }
    return new Promise((resolve, reject) => {
      const entry = { frame, id: null, resolve, reject };
      const done = () => {
        const i = this.#outbox.indexOf(entry);
        if (i >= 0) this.#outbox.splice(i, 1);
      };
      entry.resolve = (ok) => {
        done();
        resolve({ ...ok, cid: frame.cid });
      };
      entry.reject = (err) => {
        done();
        reject(err);
      };
      this.#outbox.push(entry);
      if (this.#state === "connected") this.#transmit(entry);
    });
  }

  #transmit(entry) {
    const id = String(this.#nextId++);
    entry.id = id;
    try {
      this.#sendFrame({ ...entry.frame, id });
    } catch (e) {
      entry.reject(e instanceof NatterError ? e : new NatterError("unavailable", e.message));
      return;
    }
    const timer = this.#o.setTimeout(() => {
      if (this.#pending.get(id)) {
        this.#pending.delete(id);
        entry.reject(new NatterError("timeout", `no answer to send in ${this.#o.requestTimeoutMs} ms`));
      }
    }, this.#o.requestTimeoutMs);
    this.#pending.set(id, {
      resolve: (ok) => entry.resolve(ok),
      reject: (err) => entry.reject(err),
      timer,
      entry,
    });
  }

  /** History of a room; its messages count as seen (a later live copy is not emitted). */
  async history(room, { before, after, limit } = {}) {
    const page = await this.#historyRaw(room, { before, after, limit });
    const r = this.#rooms.get(room);
    if (!r && room.startsWith("dm:") && before == null && after == null) {
      // the latest page of a direct room: from here on the client follows it
      const msgs = page.messages || [];
      this.#resetCursor(room, page.epoch, msgs.length ? msgs[msgs.length - 1].seq : 0);
    } else if (r && r.epoch == null && page.epoch) {
      r.epoch = page.epoch;
    }
    for (const m of page.messages || []) {
      this.#remember(m.mid);
      this.#advance(room, m.seq);
    }
    return page;
  }

  #historyRaw(room, { before, after, limit } = {}) {
    const frame = { type: "history", room };
    if (before != null) frame.before = before;
    if (after != null) frame.after = after;
    if (limit) frame.limit = limit;
    return this.#request(frame);
  }

  async rooms() {
    return (await this.#request({ type: "rooms" })).rooms || [];
  }

  async members(room) {
    return (await this.#request({ type: "members", room })).members || [];
  }

  ping() {
    return this.#request({ type: "ping" });
  }

  // ---- recovery after a reconnect ----

  /**
   * A resumed session kept the rooms its welcome lists: one missing was taken away while the client was
   * away (a kick or a ban). It is not rejoined, and the app hears of it as it would have live.
   */
  #forgetRoomsRemovedWhileAway(w) {
    for (const room of [...this.#rooms.keys()]) {
      if (room.startsWith("dm:") || w.rooms.includes(room)) continue;
      this.#rooms.delete(room);
      this.#emit("presence", { type: "presence", room, event: "leave", user: this.#user, reason: "kicked" });
    }
  }

  #rejoinAll() {
    const limit = this.#limits.pageMax || undefined;
    // Every join frame goes out now, before the outbox is resent.
    for (const [room, r] of [...this.#rooms]) {
      const frame = { type: "join", room };
      if (r.epoch != null) frame.since = { seq: r.cursor, epoch: r.epoch };
      if (limit) frame.limit = limit;
      const ws = this.#ws;
      this.#request(frame).then(
        (joined) => {
          if (ws === this.#ws) return this.#recover(room, r, joined);
        },
        (err) => {
          if (ws !== this.#ws || err.code === "unavailable" || err.code === "timeout") return;
          // banned, forbidden, ...: the room is no longer ours
          this.#rooms.delete(room);
          this.#emit("recovery", { room, recovered: false, joined: null, error: err });
          this.#emit("error", err);
        },
      ).catch((e) => console.error("natter: recovery failed", e));
    }
  }

  async #recover(room, r, joined) {
    if (this.#rooms.get(room) !== r) return; // left meanwhile
    const recovered = joined.recovered === true && r.epoch != null && joined.epoch === r.epoch;
    if (!recovered) {
      for (const m of joined.messages || []) this.#remember(m.mid);
      this.#resetCursor(room, joined.epoch, joined.seq);
      this.#emit("recovery", { room, recovered: false, joined });
      return;
    }
    const ws = this.#ws;
    let messages = joined.messages || [];
    let more = !!joined.more;
    for (;;) {
      for (const m of messages) this.#onMessage(m);
      if (!more || messages.length === 0) break;
      const after = messages[messages.length - 1].seq;
      let page;
      try {
        page = await this.#historyRaw(room, { after, limit: this.#limits.pageMax || undefined });
      } catch (e) {
        if (ws === this.#ws) this.#emit("error", e);
        return; // the next reconnect starts again from the cursor
      }
      if (ws !== this.#ws || this.#rooms.get(room) !== r) return;
      messages = page.messages || [];
      more = !!page.more;
    }
    // Everything up to joined.seq has been seen now.
    if (joined.seq > r.cursor) this.#resetCursor(room, r.epoch, joined.seq);
    this.#emit("recovery", { room, recovered: true, joined });
  }
}
