// Test doubles for natter.js: a WebSocket that records what the client sends and lets a test play the
// server, and a clock whose timers run only when the test advances it.

/** A fresh FakeWebSocket class with its own list of instances (one per test). */
export function fakeWebSocketClass() {
  class FakeWebSocket {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;
    static instances = [];

    constructor(url) {
      this.url = url;
      this.readyState = FakeWebSocket.CONNECTING;
      this.sent = [];
      this.closedByClient = null;
      this.onopen = this.onmessage = this.onclose = this.onerror = null;
      FakeWebSocket.instances.push(this);
    }

    static get last() {
      return FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
    }

    // --- the WebSocket API the client uses ---

    send(data) {
      if (this.readyState !== FakeWebSocket.OPEN) throw new Error("InvalidStateError: not open");
      if (typeof data !== "string") throw new Error("the client must send text frames");
      this.sent.push(data);
    }

    close(code = 1000, reason = "") {
      if (this.readyState === FakeWebSocket.CLOSED) return;
      this.closedByClient = { code, reason };
      this.readyState = FakeWebSocket.CLOSED;
      // like a browser: the close event comes later
      const handler = this.onclose;
      if (handler) queueMicrotask(() => handler({ code, reason, wasClean: true }));
    }

    // --- the server side, for tests ---

    /** Every frame the client sent, parsed. */
    get frames() {
      return this.sent.map((s) => JSON.parse(s));
    }

    /** The client's frames of a type. */
    framesOf(type) {
      return this.frames.filter((f) => f.type === type);
    }

    /** The last frame of a type the client sent. */
    lastOf(type) {
      const all = this.framesOf(type);
      return all[all.length - 1];
    }

    open() {
      this.readyState = FakeWebSocket.OPEN;
      if (this.onopen) this.onopen({});
    }

    /** Delivers a server frame (an object, or raw text). */
    push(frame) {
      if (this.onmessage) this.onmessage({ data: typeof frame === "string" ? frame : JSON.stringify(frame) });
    }

    /** Answers the last client frame of `type` with a frame of `replyType` carrying the same id. */
    reply(type, replyType, fields = {}) {
      const request = this.lastOf(type);
      if (!request) throw new Error(`the client sent no ${type}`);
      this.push({ type: replyType, id: request.id, ...fields });
      return request;
    }

    /** The server (or the network) closes the connection. */
    serverClose(code, reason = "") {
      this.readyState = FakeWebSocket.CLOSED;
      if (this.onclose) this.onclose({ code, reason, wasClean: code !== 1006 });
    }
  }
  return FakeWebSocket;
}

/** Timers that run when the test calls advance(ms). */
export class FakeClock {
  now = 0;
  #timers = new Map();
  #nextId = 1;

  setTimeout = (fn, ms) => {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.now + Math.max(0, ms || 0), fn });
    return id;
  };

  clearTimeout = (id) => {
    this.#timers.delete(id);
  };

  /** Runs every timer due within ms, in order, then lets the promise jobs they started settle. */
  async advance(ms) {
    const target = this.now + ms;
    for (;;) {
      let nextId = null;
      let next = null;
      for (const [id, t] of this.#timers) {
        if (t.at <= target && (next === null || t.at < next.at)) {
          nextId = id;
          next = t;
        }
      }
      if (next === null) break;
      this.#timers.delete(nextId);
      this.now = next.at;
      next.fn();
      await settle();
    }
    this.now = target;
    await settle();
  }

  get pendingTimers() {
    return this.#timers.size;
  }
}

/** Lets pending promise callbacks run. */
export function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}
