// The Natter chat page. It only renders: the protocol, reconnecting, catching up and resending live in
// natter.js. Every piece of text that comes from a user or the server is put in the page as text
// (textContent, text nodes, attribute values), never parsed as HTML.
import { NatterClient, randomId } from "./natter.js";

const SESSION_KEY = "natter.session"; // sessionStorage: name, login token, resume token, rooms, cursors
const READ_KEY = "natter.read."; // localStorage, per user id: the last seq read in each conversation
const GENERAL = "general";
const PAGE = 50;
const ROOMS_REFRESH_MS = 15000;

const $ = (id) => document.getElementById(id);
const ui = {
  start: $("start"),
  startForm: $("start-form"),
  startIntro: $("start-intro"),
  nameInput: $("name-input"),
  password: $("password-input"),
  guestActions: $("guest-actions"),
  accountLegend: $("account-legend"),
  startError: $("start-error"),
  chat: $("chat"),
  layout: $("layout"),
  toggleNav: $("toggle-nav"),
  toggleMembers: $("toggle-members"),
  sidebar: $("sidebar"),
  membersPanel: $("members-panel"),
  convTitle: $("conv-title"),
  convSubtitle: $("conv-subtitle"),
  meName: $("me-name"),
  meNameNarrow: $("me-name-narrow"),
  logout: $("logout"),
  logoutNarrow: $("logout-narrow"),
  banner: $("connection-banner"),
  bannerText: $("banner-text"),
  bannerAction: $("banner-action"),
  roomForm: $("room-form"),
  roomInput: $("room-input"),
  roomError: $("room-error"),
  roomList: $("room-list"),
  otherRoomsHeading: $("other-rooms-heading"),
  otherRoomList: $("other-room-list"),
  directList: $("direct-list"),
  directsEmpty: $("directs-empty"),
  scroller: $("scroller"),
  loadOlder: $("load-older"),
  historyStart: $("history-start"),
  messages: $("messages"),
  emptyState: $("empty-state"),
  jump: $("jump"),
  composer: $("composer"),
  composerLabel: $("composer-label"),
  input: $("message-input"),
  sendButton: $("send-button"),
  charCount: $("char-count"),
  composerError: $("composer-error"),
  memberList: $("member-list"),
  announcer: $("announcer"),
};

// ---- state ----

let client = null;
let me = null; // {id, name}
let limits = {};
let started = false; // the chat screen is showing
let accountsMode = false;
let saved = loadSession();
let lastRead = {};
const convs = new Map(); // conversation id (room name or dm:...) -> conversation
let current = null;
let serverRooms = new Map(); // room -> member count, from `rooms`
let roomsTimer = null;
let bannerTimer = null;
let errorTimer = null;

function newConversation(id, kind, withUser) {
  return {
    id,
    kind, // "room" | "direct"
    with: withUser || null, // the other user of a direct conversation
    items: [], // messages and notices, in order; pending own messages last
    mids: new Set(),
    pending: new Map(), // cid -> item of an own message not yet confirmed
    maxSeq: 0,
    more: false, // older messages exist on the server
    loaded: false,
    loadingOlder: false,
    unread: 0,
    members: new Map(),
    lastActivity: 0,
    scrollTop: null, // where the reader was, when they left the conversation
  };
}

// ---- small helpers ----

/** Creates an element; strings among the children become text nodes, never markup. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setText(node, text) {
  node.textContent = text || "";
}

function codePoints(s) {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function chatUrl() {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/chat`;
}

function isNarrow() {
  return window.matchMedia("(max-width: 720px)").matches;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "medium" });

function shortTime(ts) {
  const d = new Date(ts);
  const now = new Date();
  return d.toDateString() === now.toDateString() ? timeFormat.format(d) : dateTimeFormat.format(d);
}

function convLabel(conv) {
  return conv.kind === "direct" ? conv.with.name : `#${conv.id}`;
}

// ---- storage ----

function loadSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY)) || {};
  } catch {
    return {};
  }
}

function saveSession() {
  try {
    if (!started && !saved.name && !saved.token) {
      sessionStorage.removeItem(SESSION_KEY);
      return;
    }
    const rooms = {};
    for (const conv of convs.values()) {
      if (conv.kind === "room") rooms[conv.id] = (client && client.cursor(conv.id)) || null;
    }
    saved.rooms = rooms;
    saved.current = current;
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(saved));
  } catch {
    // storage full or disabled: the chat works without it
  }
}

function loadRead(userId) {
  try {
    return JSON.parse(localStorage.getItem(READ_KEY + userId)) || {};
  } catch {
    return {};
  }
}

let readSaveTimer = null;
function markRead(conv) {
  // Also when nothing is in it yet: what arrives later is then counted as unread, after a reload too.
  if (!me || (lastRead[conv.id] !== undefined && conv.maxSeq <= lastRead[conv.id])) return;
  setRead(conv.id, conv.maxSeq);
}

function setRead(id, seq) {
  lastRead[id] = seq;
  if (readSaveTimer) return;
  readSaveTimer = setTimeout(saveRead, 500);
}

function saveRead() {
  clearTimeout(readSaveTimer);
  readSaveTimer = null;
  if (!me) return;
  try {
    localStorage.setItem(READ_KEY + me.id, JSON.stringify(lastRead));
  } catch {
    // not kept: unread counts start over next time
  }
}

// ---- messages shown to the user ----

function describe(err, context) {
  const code = err && err.code;
  switch (code) {
    case "rate_limited": {
      const s = Math.max(1, Math.ceil((err.retryAfterMs || 1000) / 1000));
      return `You are sending messages too fast. Wait ${s} s and try again.`;
    }
    case "too_large":
      return `That message is too long: the limit is ${limits.maxTextChars || 4000} characters.`;
    case "name_taken":
      return "That name is taken. Pick another one.";
    case "invalid_name":
      return context === "room"
        ? 'Room names are 1 to 64 letters, digits, "_", "-" or "." (no spaces).'
        : 'Names are 1 to 32 letters, digits, spaces, "_", "-" or ".", with no space at either end.';
    case "auth_failed":
    case "not_authenticated":
      return "This server needs an account, or your login has expired: log in or register.";
    case "not_member":
      return "You are not in that room. Join it first.";
    case "forbidden":
      return context === "room" ? "You may not join that room." : "You are not allowed to do that here.";
    case "not_found":
      return "That user is unknown to the server.";
    case "timeout":
      return "The server did not answer in time. Try again.";
    case "unavailable":
      return context === "start" ? "Could not reach the chat server. Is it running?" : "Not connected to the server.";
    case "unsupported_version":
      return "This page is too old for the server. Reload it.";
    case "bad_request":
      return (err && err.message) || "The server did not understand that.";
    default:
      return (err && err.message) || "Something went wrong.";
  }
}

function showComposerError(text, ms = 8000) {
  setText(ui.composerError, text);
  clearTimeout(errorTimer);
  if (text) errorTimer = setTimeout(() => setText(ui.composerError, ""), ms);
}

function announce(text) {
  // A fresh node per announcement, so a screen reader reads repeated texts too; only the last few kept.
  ui.announcer.append(el("p", {}, text));
  while (ui.announcer.childNodes.length > 3) ui.announcer.firstChild.remove();
}

// ---- start screen ----

function setAccountsMode(on) {
  accountsMode = on;
  ui.guestActions.hidden = on;
  setText(ui.accountLegend, on ? "Log in or register" : "Or use an account");
  setText(ui.startIntro, on
    ? "This server needs an account. Log in, or register a new one."
    : "Pick a name and start chatting. You land in #general.");
  ui.password.required = on;
}

function showStart(errorText) {
  started = false;
  ui.chat.hidden = true;
  ui.start.hidden = false;
  document.title = "Natter";
  ui.banner.hidden = true;
  setText(ui.startError, errorText || "");
  setStartBusy(false);
  if (saved.name && !ui.nameInput.value) ui.nameInput.value = saved.name;
  (accountsMode && ui.nameInput.value ? ui.password : ui.nameInput).focus();
}

function setStartBusy(busy) {
  for (const b of ui.startForm.querySelectorAll("button, input")) b.disabled = busy;
  ui.startForm.setAttribute("aria-busy", String(busy));
}

async function onStartSubmit(event) {
  event.preventDefault();
  let action = (event.submitter && event.submitter.value) || "guest";
  // Enter in the password field submits with the form's first button: that means "log in".
  if (action === "guest" && (document.activeElement === ui.password || accountsMode)) action = "login";
  const name = ui.nameInput.value.trim();
  if (!name) {
    setText(ui.startError, "Pick a name first.");
    ui.nameInput.focus();
    return;
  }
  setText(ui.startError, "");
  if (name !== saved.name) saved = {}; // another user: nothing of the last one's rooms or session
  if (action === "guest") {
    await start({ name, resume: saved.resume });
    return;
  }
  const password = ui.password.value;
  if (!password) {
    setText(ui.startError, "Enter your password.");
    ui.password.focus();
    return;
  }
  setStartBusy(true);
  let result;
  try {
    result = await account(action, name, password);
  } finally {
    setStartBusy(false);
  }
  if (result.error) {
    setText(ui.startError, result.error);
    (result.field === "name" ? ui.nameInput : ui.password).focus();
    return;
  }
  ui.password.value = ""; // the password is not kept anywhere
  await start({ token: result.token, accountName: result.user && result.user.name });
}

/** POST /login or /register: {token, user} or {error, field}. */
async function account(action, name, password) {
  let response;
  try {
    response = await fetch(`/${action}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ name, password }),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    return { error: "Could not reach the server. Is it running?" };
  }
  let body = {};
  try {
    body = await response.json();
  } catch {
    // not JSON: the status says enough
  }
  if (response.ok && body && typeof body.token === "string") {
    setAccountsMode(true);
    return { token: body.token, user: body.user };
  }
  const reason = body && typeof body.error === "string" ? body.error : "";
  const message = body && typeof body.message === "string" ? body.message.replace(/[.\s]+$/, "") : "";
  switch (response.status) {
    case 401:
      return { error: "Wrong name or password.", field: "password" };
    case 409:
      return { error: "That name is taken. Pick another one, or log in if it is yours.", field: "name" };
    case 404:
    case 405:
      return { error: "This server has no accounts. Pick a nickname and press Start chatting.", field: "name" };
    case 429:
      return { error: "Too many attempts. Wait a moment and try again." };
    case 400:
      if (reason === "invalid_name") return { error: describe({ code: "invalid_name" }), field: "name" };
      if (reason === "invalid_password") {
        return { error: message ? `That password will not do: ${message}.` : "That password will not do.", field: "password" };
      }
      return { error: message ? `The server refused: ${message}.` : "Check your name and password." };
    default:
      return { error: `The server could not ${action === "login" ? "log you in" : "register you"} (${response.status}).` };
  }
}

async function start({ name, token, resume, accountName }) {
  setStartBusy(true);
  if (client) client.close();
  convs.clear();
  current = null;
  me = null;
  const c = new NatterClient();
  client = c;
  c.on("state", (s) => {
    if (c === client) onState(s);
  });
  c.on("welcome", (w) => {
    if (c === client) onWelcome(w);
  });
  c.on("message", (m) => {
    if (c === client) onMessage(m);
  });
  c.on("presence", (p) => {
    if (c === client) onPresence(p);
  });
  c.on("recovery", (r) => {
    if (c === client) onRecovery(r);
  });
  c.on("error", (e) => {
    if (c === client && started && c.state === "connected") showComposerError(describe(e));
  });
  let welcome;
  try {
    welcome = await c.connect(chatUrl(), { name, token, resume });
  } catch (err) {
    if (c !== client) return;
    client = null;
    if (err.code === "auth_failed" || err.code === "not_authenticated") {
      saved = { name: name || accountName || saved.name };
      setAccountsMode(true);
    }
    if (err.code === "name_taken" || err.code === "invalid_name") saved = { name: saved.name };
    saveSession();
    showStart(describe(err, "start"));
    return;
  }
  saved = { ...saved, name: name || accountName || welcome.user.name, token: token || null, accounts: !!token };
  saved.resume = welcome.session;
  await enterChat();
}

function logout() {
  if (client) client.close();
  client = null;
  convs.clear();
  current = null;
  serverRooms = new Map();
  clearInterval(roomsTimer);
  const name = saved.name;
  saved = {};
  try {
    sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // nothing kept
  }
  ui.nameInput.value = name || "";
  showStart("");
}

// ---- connection ----

function onWelcome(w) {
  if (!me || me.id !== w.user.id) lastRead = loadRead(w.user.id);
  me = w.user;
  limits = w.limits || {};
  saved.resume = w.session;
  setText(ui.meName, me.name);
  setText(ui.meNameNarrow, me.name);
  mergeDirects(w.directs || [], started);
  if (started) saveSession();
}

function onState(s) {
  document.body.dataset.connection = s.state;
  clearInterval(bannerTimer);
  bannerTimer = null;
  if (!started) return;
  if (s.state === "connected") {
    ui.banner.hidden = true;
    refreshRooms();
    return;
  }
  ui.banner.hidden = false;
  ui.bannerAction.hidden = false;
  if (s.state === "reconnecting") {
    const at = Date.now() + (s.delayMs || 0);
    const show = () => {
      const left = Math.ceil((at - Date.now()) / 1000);
      setText(ui.bannerText, left > 0
        ? `Connection lost. Reconnecting in ${left} s\u2026 Messages you send now go out when it is back.`
        : "Connection lost. Reconnecting\u2026");
    };
    show();
    if (s.delayMs > 1000) bannerTimer = setInterval(show, 1000);
    setText(ui.bannerAction, "Reconnect now");
    ui.bannerAction.onclick = () => client && client.reconnectNow();
    return;
  }
  if (s.state === "closed") {
    const err = s.error;
    if (err && (err.code === "auth_failed" || err.code === "not_authenticated")) {
      setText(ui.bannerText, "Your login has expired. Log in again to continue.");
      setText(ui.bannerAction, "Log in again");
      ui.bannerAction.onclick = () => {
        setAccountsMode(true);
        logout();
      };
    } else if (s.code === 4002) {
      setText(ui.bannerText, "This chat was opened in another tab or window.");
      setText(ui.bannerAction, "Start over");
      ui.bannerAction.onclick = logout;
    } else if (s.code === 4003) {
      setText(ui.bannerText, "The server has disconnected you.");
      setText(ui.bannerAction, "Start over");
      ui.bannerAction.onclick = logout;
    } else if (s.code === 1000) {
      ui.banner.hidden = true;
    } else {
      setText(ui.bannerText, `The server closed the connection${s.reason ? ` (${s.reason})` : ""}.`);
      setText(ui.bannerAction, "Reconnect");
      ui.bannerAction.onclick = () => client && client.reconnectNow();
    }
  }
}

async function enterChat() {
  started = true;
  accountsMode = accountsMode || !!saved.accounts;
  ui.start.hidden = true;
  ui.chat.hidden = false;
  ui.banner.hidden = true;
  setText(ui.meName, me.name);
  setText(ui.meNameNarrow, me.name);
  setStartBusy(false);
  mergeDirects(client.directs, false);
  const rooms = saved.rooms && Object.keys(saved.rooms).length ? Object.keys(saved.rooms) : [GENERAL];
  const want = saved.current;
  saveSession();
  await Promise.all(rooms.map((room) => joinRoom(room, { quiet: room !== GENERAL })));
  const target = want && convs.has(want) ? want : convs.has(GENERAL) ? GENERAL : firstRoom();
  switchTo(target, { focus: true });
  refreshRooms();
  clearInterval(roomsTimer);
  roomsTimer = setInterval(refreshRooms, ROOMS_REFRESH_MS);
}

function firstRoom() {
  for (const conv of convs.values()) if (conv.kind === "room") return conv.id;
  return null;
}

// ---- rooms ----

async function refreshRooms() {
  if (!client || client.state !== "connected") return;
  try {
    const rooms = await client.rooms();
    serverRooms = new Map(rooms.map((r) => [r.room, r.members]));
    renderRoomList();
  } catch {
    // shown again on the next refresh
  }
}

async function joinRoom(room, { switchAfter = false, quiet = false } = {}) {
  if (!client) return false;
  let joined;
  try {
    joined = await client.join(room, { limit: PAGE });
  } catch (err) {
    if (!quiet) setText(ui.roomError, describe(err, "room"));
    return false;
  }
  let conv = convs.get(room);
  if (!conv) {
    conv = newConversation(room, "room");
    convs.set(room, conv);
  }
  conv.members = new Map((joined.members || []).map((u) => [u.id, u]));
  resetConversation(conv, joined.messages || [], !!joined.more);
  if (current !== room && lastRead[room] !== undefined) {
    conv.unread = conv.items.filter((i) => i.kind === "message" && i.seq > lastRead[room] && !isOwn(i)).length;
  }
  saveSession();
  renderRoomList();
  if (switchAfter) switchTo(room, { focus: true });
  refreshRooms();
  return true;
}

async function leaveRoom(room) {
  if (!client) return;
  try {
    await client.leave(room);
  } catch (err) {
    if (err.code !== "not_member") {
      setText(ui.roomError, describe(err, "room"));
      return;
    }
  }
  forgetRoom(room);
}

function forgetRoom(room) {
  convs.delete(room);
  if (current === room) switchTo(convs.has(GENERAL) ? GENERAL : firstRoom());
  saveSession();
  renderRoomList();
  refreshRooms();
}

async function onRoomSubmit(event) {
  event.preventDefault();
  const room = ui.roomInput.value.trim().replace(/^#/, "");
  setText(ui.roomError, "");
  if (!room) {
    setText(ui.roomError, "Type the name of a room to join or create.");
    ui.roomInput.focus();
    return;
  }
  if (convs.has(room)) {
    ui.roomInput.value = "";
    switchTo(room, { focus: true });
    return;
  }
  if (await joinRoom(room, { switchAfter: true })) ui.roomInput.value = "";
}

// ---- direct conversations ----

function mergeDirects(directs, fromReconnect) {
  for (const d of directs) {
    if (!d || typeof d.room !== "string" || !d.with) continue;
    let conv = convs.get(d.room);
    if (!conv) {
      conv = newConversation(d.room, "direct", d.with);
      const read = lastRead[d.room];
      // A conversation that appeared while we were away is all new; otherwise count from what was read.
      conv.unread = read !== undefined ? Math.max(0, d.seq - read) : fromReconnect ? d.seq : 0;
      conv.lastActivity = -convs.size; // keeps the server's order: most recent first
      convs.set(d.room, conv);
    }
  }
  renderDirectList();
  updateTitle();
}

function openDirect(user) {
  if (!me || user.id === me.id) return;
  const room = NatterClient.directRoom(me.id, user.id);
  let conv = convs.get(room);
  if (!conv) {
    conv = newConversation(room, "direct", user);
    conv.lastActivity = Date.now();
    convs.set(room, conv);
    renderDirectList();
  }
  switchTo(room, { focus: true });
}

async function loadDirect(conv) {
  if (conv.loaded || conv.loadingOlder) return;
  conv.loadingOlder = true;
  try {
    const page = await client.history(conv.id, { limit: PAGE });
    for (const m of page.messages || []) addMessage(conv, m);
    conv.more = !!page.more;
  } catch (err) {
    if (err.code !== "not_found" && err.code !== "not_member") showComposerError(describe(err));
    conv.more = false;
  } finally {
    conv.loadingOlder = false;
  }
  conv.loaded = true;
  if (conv.id === current) {
    renderTimeline(conv);
    scrollToBottom();
    markRead(conv);
  }
}

// ---- the timeline of a conversation ----

function isOwn(item) {
  return !!(me && item.from && item.from.id === me.id);
}

function messageItem(m) {
  return { kind: "message", seq: m.seq, mid: m.mid, cid: m.cid || null, from: m.from, text: m.text, ts: m.ts, pending: false, node: null };
}

/** Puts a message into a conversation, once; returns its item, or null when it was there already. */
function addMessage(conv, m) {
  if (typeof m.mid !== "string" || conv.mids.has(m.mid)) return null;
  if (m.cid && conv.pending.has(m.cid)) {
    confirmPending(conv, conv.pending.get(m.cid), m);
    return null;
  }
  conv.mids.add(m.mid);
  const item = messageItem(m);
  insertItem(conv, item);
  return item;
}

function confirmPending(conv, item, ok) {
  conv.pending.delete(item.cid);
  if (typeof ok.mid === "string" && conv.mids.has(ok.mid)) {
    removeItem(conv, item); // its copy is there already
    return;
  }
  item.pending = false;
  item.seq = ok.seq;
  item.mid = ok.mid;
  item.ts = ok.ts || item.ts;
  conv.mids.add(ok.mid);
  removeItem(conv, item);
  item.node = null;
  insertItem(conv, item);
}

/** Messages in seq order; a notice stays where it happened; own messages not yet stored stay last. */
function insertItem(conv, item) {
  const items = conv.items;
  let at = items.length;
  while (at > 0 && items[at - 1].pending) at--; // before the pending ones
  if (item.pending) {
    at = items.length;
  } else if (item.kind === "message" && item.seq <= conv.maxSeq) {
    const later = items.findIndex((x) => x.pending || (x.kind === "message" && x.seq > item.seq));
    if (later >= 0) at = later;
  }
  if (item.kind === "message" && !item.pending) conv.maxSeq = Math.max(conv.maxSeq, item.seq);
  items.splice(at, 0, item);
  if (conv.id === current) {
    const stick = atBottom();
    const next = items[at + 1];
    ui.messages.insertBefore(itemNode(item), next && next.node ? next.node : null);
    if (stick || (item.pending && isOwn(item))) scrollToBottom();
    else if (at === items.length - 1 || items.slice(at + 1).every((x) => x.pending)) ui.jump.hidden = false;
  }
}

function removeItem(conv, item) {
  const i = conv.items.indexOf(item);
  if (i >= 0) conv.items.splice(i, 1);
  if (item.node) item.node.remove();
}

function addNotice(conv, text) {
  insertItem(conv, { kind: "notice", text, ts: Date.now(), node: null });
}

function resetConversation(conv, messages, more) {
  const pending = conv.items.filter((i) => i.pending);
  conv.items = [];
  conv.mids = new Set();
  conv.maxSeq = 0;
  for (const m of messages) {
    if (typeof m.mid !== "string" || conv.mids.has(m.mid)) continue;
    conv.mids.add(m.mid);
    conv.items.push(messageItem(m));
    conv.maxSeq = Math.max(conv.maxSeq, m.seq);
  }
  conv.items.sort((a, b) => a.seq - b.seq);
  for (const p of pending) {
    p.node = null;
    conv.items.push(p);
  }
  conv.more = more;
  conv.loaded = true;
  if (conv.id === current) {
    renderTimeline(conv);
    scrollToBottom();
  }
}

function itemNode(item) {
  if (item.kind === "notice") {
    item.node = el("li", { class: "notice", "data-testid": "notice" },
      el("span", { class: "notice-text" }, item.text), " ",
      el("time", { datetime: new Date(item.ts).toISOString(), title: fullFormat.format(item.ts) }, shortTime(item.ts)));
    return item.node;
  }
  const own = isOwn(item);
  const name = (item.from && item.from.name) || "unknown";
  item.node = el("li", {
    class: `message${own ? " own" : ""}${item.pending ? " pending" : ""}`,
    "data-testid": "message",
    "data-own": String(own),
    "data-mid": item.mid || null,
    "data-seq": item.seq === undefined ? null : String(item.seq),
    "data-state": item.pending ? "pending" : "sent",
  },
  el("div", { class: "meta" },
    el("span", { class: "sender" }, name),
    own ? el("span", { class: "visually-hidden" }, " (you)") : null,
    " ",
    el("time", { datetime: new Date(item.ts).toISOString(), title: fullFormat.format(item.ts) }, shortTime(item.ts)),
    item.pending ? el("span", { class: "status" }, " sending\u2026") : null),
  el("p", { class: "text" }, item.text));
  return item.node;
}

function renderTimeline(conv) {
  ui.jump.hidden = true;
  if (!conv) {
    ui.messages.replaceChildren();
    ui.loadOlder.hidden = true;
    ui.historyStart.hidden = true;
    ui.emptyState.hidden = false;
    return;
  }
  ui.emptyState.hidden = true;
  ui.messages.replaceChildren(...conv.items.map((item) => itemNode(item)));
  updateOlderControls(conv);
}

function updateOlderControls(conv) {
  ui.loadOlder.hidden = !conv.more;
  ui.loadOlder.disabled = conv.loadingOlder;
  setText(ui.loadOlder, conv.loadingOlder ? "Loading\u2026" : "Load older messages");
  ui.historyStart.hidden = conv.more || !conv.loaded;
}

async function loadOlder() {
  const conv = convs.get(current);
  if (!conv || !conv.more || conv.loadingOlder || !client || client.state !== "connected") return;
  const oldest = conv.items.find((i) => i.kind === "message" && !i.pending);
  if (!oldest) return;
  conv.loadingOlder = true;
  updateOlderControls(conv);
  let page;
  try {
    page = await client.history(conv.id, { before: oldest.seq, limit: PAGE });
  } catch (err) {
    conv.loadingOlder = false;
    if (conv.id === current) updateOlderControls(conv);
    showComposerError(describe(err));
    return;
  }
  conv.loadingOlder = false;
  const older = (page.messages || []).filter((m) => typeof m.mid === "string" && !conv.mids.has(m.mid));
  const firstMessage = conv.items.findIndex((i) => i.kind === "message");
  const at = firstMessage < 0 ? 0 : firstMessage;
  const items = older.map(messageItem);
  for (const m of older) conv.mids.add(m.mid);
  conv.items.splice(at, 0, ...items);
  conv.more = !!page.more;
  if (conv.id !== current) return;
  const before = ui.scroller.scrollHeight;
  const top = ui.scroller.scrollTop;
  const next = conv.items[at + items.length];
  const fragment = document.createDocumentFragment();
  for (const item of items) fragment.append(itemNode(item));
  ui.messages.insertBefore(fragment, next && next.node ? next.node : null);
  // keep the message the reader was looking at where it was
  ui.scroller.scrollTop = top + (ui.scroller.scrollHeight - before);
  updateOlderControls(conv);
}

function atBottom() {
  const s = ui.scroller;
  return s.scrollHeight - s.scrollTop - s.clientHeight < 48;
}

function scrollToBottom() {
  ui.scroller.scrollTop = ui.scroller.scrollHeight;
  ui.jump.hidden = true;
}

// ---- events from the client ----

function conversationOf(m) {
  if (typeof m.room !== "string") return null;
  let conv = convs.get(m.room);
  if (!conv && m.room.startsWith("dm:") && me) {
    const other = m.from && m.from.id !== me.id ? m.from : m.to;
    if (!other) return null;
    conv = newConversation(m.room, "direct", other);
    convs.set(m.room, conv);
    // New to this page: read up to before this message, so that it stays unread across a reload.
    if (lastRead[m.room] === undefined && typeof m.seq === "number") setRead(m.room, Math.max(0, m.seq - 1));
  }
  return conv || null;
}

function onMessage(m) {
  const conv = conversationOf(m);
  if (!conv) return;
  const item = addMessage(conv, m);
  if (!item) return;
  const own = isOwn(item);
  if (conv.kind === "direct") conv.lastActivity = Date.now();
  if (conv.id === current) {
    if (!own) announce(`${item.from.name}: ${item.text}`);
    if (!document.hidden && atBottom()) markRead(conv);
  } else if (!own) {
    conv.unread += 1;
  }
  if (conv.kind === "direct") renderDirectList();
  else renderRoomList();
  updateTitle();
}

function onPresence(p) {
  const conv = convs.get(p.room);
  if (!conv || !p.user) return;
  const name = p.user.name || p.user.id;
  if (p.event === "join") {
    conv.members.set(p.user.id, p.user);
    addNotice(conv, `${name} joined`);
  } else if (p.event === "leave") {
    conv.members.delete(p.user.id);
    if (me && p.user.id === me.id && p.reason === "kicked") {
      forgetRoom(p.room);
      setText(ui.roomError, `You were removed from #${p.room}.`);
      return;
    }
    addNotice(conv, p.reason === "disconnect" ? `${name} lost their connection and left`
      : p.reason === "kicked" ? `${name} was removed` : `${name} left`);
  }
  if (conv.id === current) renderMembers();
  const count = serverRooms.get(p.room);
  if (count !== undefined) {
    serverRooms.set(p.room, Math.max(0, count + (p.event === "join" ? 1 : -1)));
    renderRoomList();
  }
}

function onRecovery(r) {
  const conv = convs.get(r.room);
  if (r.error) {
    if (conv && conv.kind === "room") {
      forgetRoom(r.room);
      setText(ui.roomError, `Could not rejoin #${r.room}: ${describe(r.error, "room")}`);
    }
    return;
  }
  if (!conv || !r.joined) return;
  if (conv.kind === "room") conv.members = new Map((r.joined.members || []).map((u) => [u.id, u]));
  if (!r.recovered) {
    const had = conv.items.some((i) => i.kind === "message");
    resetConversation(conv, r.joined.messages || [], !!r.joined.more);
    if (had) addNotice(conv, "Reconnected. Some messages could not be caught up: showing the latest ones.");
  }
  if (conv.id === current) renderMembers();
}

// ---- switching and lists ----

function switchTo(id, { focus = false } = {}) {
  const old = convs.get(current);
  if (old) old.scrollTop = atBottom() ? null : ui.scroller.scrollTop;
  current = id && convs.has(id) ? id : null;
  const conv = convs.get(current);
  closePanels();
  if (conv) {
    conv.unread = 0;
    setText(ui.convTitle, convLabel(conv));
    setText(ui.convSubtitle, conv.kind === "direct" ? "Direct message" : "");
    setText(ui.composerLabel, `Message ${convLabel(conv)}`);
    ui.input.placeholder = `Message ${convLabel(conv)}`;
    ui.input.disabled = false;
    ui.sendButton.disabled = false;
    renderTimeline(conv);
    if (conv.scrollTop === null) scrollToBottom();
    else ui.scroller.scrollTop = conv.scrollTop;
    markRead(conv);
    if (conv.kind === "direct" && !conv.loaded) loadDirect(conv);
  } else {
    setText(ui.convTitle, "No room");
    setText(ui.convSubtitle, "");
    setText(ui.composerLabel, "Message");
    ui.input.disabled = true;
    ui.sendButton.disabled = true;
    renderTimeline(null);
  }
  renderRoomList();
  renderDirectList();
  renderMembers();
  updateTitle();
  saveSession();
  if (focus && conv && !isNarrow()) ui.input.focus();
}

/** Replaces a list's entries, keeping the keyboard focus on the entry it was on. */
function renderList(list, entries) {
  const focused = list.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
  list.replaceChildren(...entries);
  if (focused) {
    const again = [...list.querySelectorAll("[data-focus-key]")].find((n) => n.dataset.focusKey === focused);
    if (again) again.focus();
  }
}

function badge(count) {
  if (!count) return null;
  return el("span", { class: "badge" },
    el("span", { class: "visually-hidden" }, ", "),
    count > 99 ? "99+" : String(count),
    el("span", { class: "visually-hidden" }, " unread"));
}

function renderRoomList() {
  const mine = [...convs.values()].filter((c) => c.kind === "room").sort((a, b) => a.id.localeCompare(b.id));
  renderList(ui.roomList, mine.map((conv) => el("li", { class: "room-item" },
    el("button", {
      type: "button",
      class: "entry",
      "data-testid": "room",
      "data-room": conv.id,
      "data-joined": "true",
      "data-unread": String(conv.unread),
      "data-focus-key": `room:${conv.id}`,
      "aria-current": conv.id === current ? "page" : null,
      onclick: () => switchTo(conv.id, { focus: true }),
    }, el("span", { class: "entry-name" }, `#${conv.id}`), badge(conv.unread)),
    el("button", {
      type: "button",
      class: "leave",
      "data-testid": "leave-room",
      "data-room": conv.id,
      "data-focus-key": `leave:${conv.id}`,
      "aria-label": `Leave #${conv.id}`,
      title: `Leave #${conv.id}`,
      onclick: () => leaveRoom(conv.id),
    }, "\u00d7"))));
  const others = [...serverRooms.entries()].filter(([room]) => !convs.has(room)).sort((a, b) => a[0].localeCompare(b[0]));
  ui.otherRoomsHeading.hidden = others.length === 0;
  renderList(ui.otherRoomList, others.map(([room, count]) => el("li", { class: "room-item" },
    el("button", {
      type: "button",
      class: "entry",
      "data-testid": "room",
      "data-room": room,
      "data-joined": "false",
      "data-focus-key": `other:${room}`,
      title: `Join #${room}`,
      onclick: () => joinRoom(room, { switchAfter: true }),
    }, el("span", { class: "entry-name" }, `#${room}`),
    el("span", { class: "count" }, el("span", { class: "visually-hidden" }, ", "), `${count}`,
      el("span", { class: "visually-hidden" }, count === 1 ? " member" : " members"))))));
}

function renderDirectList() {
  const directs = [...convs.values()].filter((c) => c.kind === "direct").sort((a, b) => b.lastActivity - a.lastActivity);
  ui.directsEmpty.hidden = directs.length > 0;
  renderList(ui.directList, directs.map((conv) => el("li", {},
    el("button", {
      type: "button",
      class: "entry",
      "data-testid": "direct",
      "data-room": conv.id,
      "data-user-id": conv.with.id,
      "data-unread": String(conv.unread),
      "data-focus-key": `direct:${conv.id}`,
      "aria-current": conv.id === current ? "page" : null,
      onclick: () => switchTo(conv.id, { focus: true }),
    }, el("span", { class: "entry-name" }, conv.with.name), badge(conv.unread)))));
}

function renderMembers() {
  const conv = convs.get(current);
  let members = [];
  if (conv && conv.kind === "room") members = [...conv.members.values()];
  else if (conv && me) members = [me, conv.with];
  members.sort((a, b) => (a.id === (me && me.id) ? -1 : b.id === (me && me.id) ? 1 : a.name.localeCompare(b.name)));
  setText(ui.toggleMembers, `Members (${members.length})`);
  renderList(ui.memberList, members.map((u) => {
    const self = me && u.id === me.id;
    return el("li", {}, self
      ? el("span", { class: "entry self", "data-testid": "member", "data-user-id": u.id }, u.name, el("span", { class: "you" }, " (you)"))
      : el("button", {
        type: "button",
        class: "entry",
        "data-testid": "member",
        "data-user-id": u.id,
        "data-focus-key": `member:${u.id}`,
        title: `Send ${u.name} a direct message`,
        onclick: () => openDirect(u),
      }, u.name));
  }));
}

function updateTitle() {
  let unread = 0;
  for (const conv of convs.values()) unread += conv.unread;
  document.title = unread ? `(${unread}) Natter` : "Natter";
}

// ---- the composer ----

function send() {
  const conv = convs.get(current);
  const text = ui.input.value;
  if (!conv || !client || !/\S/u.test(text)) return;
  const max = limits.maxTextChars || 4000;
  if (codePoints(text) > max) {
    showComposerError(describe({ code: "too_large" }));
    return;
  }
  const cid = randomId();
  const item = { kind: "message", pending: true, cid, from: me, text, ts: Date.now(), node: null };
  conv.pending.set(cid, item);
  insertItem(conv, item);
  ui.input.value = "";
  autoGrow();
  const sending = conv.kind === "direct" ? client.sendDirect(conv.with.id, text, { cid }) : client.send(conv.id, text, { cid });
  sending.then(
    (ok) => {
      if (conv.pending.get(cid) === item) confirmPending(conv, item, ok);
      if (ui.composerError.textContent) showComposerError("");
      if (conv.kind === "direct") {
        conv.lastActivity = Date.now();
        renderDirectList();
      }
      if (conv.id === current) markRead(conv);
    },
    (err) => {
      if (conv.pending.get(cid) === item) {
        conv.pending.delete(cid);
        removeItem(conv, item);
      }
      // give the text back, unless something new was typed meanwhile
      if (!ui.input.value && conv.id === current) {
        ui.input.value = text;
        autoGrow();
      }
      showComposerError(describe(err), err.code === "rate_limited" ? Math.max(3000, err.retryAfterMs || 0) : 8000);
    },
  );
}

function autoGrow() {
  ui.input.style.height = "auto";
  ui.input.style.height = `${Math.min(ui.input.scrollHeight, 200)}px`;
  const max = limits.maxTextChars || 4000;
  const n = codePoints(ui.input.value);
  setText(ui.charCount, n > max * 0.8 ? `(${n} of ${max} characters)` : "");
  ui.charCount.classList.toggle("over", n > max);
}

// ---- narrow screens: the side panels slide over the conversation ----

function togglePanel(button, panel) {
  const open = button.getAttribute("aria-expanded") !== "true";
  closePanels();
  if (open) {
    button.setAttribute("aria-expanded", "true");
    panel.classList.add("open");
    const first = panel.querySelector("button, input");
    if (first) first.focus();
  }
}

function closePanels() {
  for (const [button, panel] of [[ui.toggleNav, ui.sidebar], [ui.toggleMembers, ui.membersPanel]]) {
    button.setAttribute("aria-expanded", "false");
    panel.classList.remove("open");
  }
}

// ---- wiring ----

ui.startForm.addEventListener("submit", onStartSubmit);
ui.roomForm.addEventListener("submit", onRoomSubmit);
ui.logout.addEventListener("click", logout);
ui.logoutNarrow.addEventListener("click", logout);
ui.composer.addEventListener("submit", (e) => {
  e.preventDefault();
  send();
});
ui.input.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
    e.preventDefault();
    send();
  }
});
ui.input.addEventListener("input", autoGrow);
ui.loadOlder.addEventListener("click", loadOlder);
ui.jump.addEventListener("click", () => {
  scrollToBottom();
  ui.input.focus();
});
ui.scroller.addEventListener("scroll", () => {
  if (ui.scroller.scrollTop < 80) loadOlder();
  if (atBottom()) {
    ui.jump.hidden = true;
    const conv = convs.get(current);
    if (conv) markRead(conv);
  }
}, { passive: true });
ui.toggleNav.addEventListener("click", () => togglePanel(ui.toggleNav, ui.sidebar));
ui.toggleMembers.addEventListener("click", () => togglePanel(ui.toggleMembers, ui.membersPanel));
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && (ui.sidebar.classList.contains("open") || ui.membersPanel.classList.contains("open"))) {
    const toggle = ui.sidebar.classList.contains("open") ? ui.toggleNav : ui.toggleMembers;
    closePanels();
    toggle.focus();
  }
});
document.addEventListener("visibilitychange", () => {
  const conv = convs.get(current);
  if (!document.hidden && conv && atBottom()) markRead(conv);
});
// Keep the cursors and the resume token for a reload (the browser closes with 1001: the session waits).
window.addEventListener("pagehide", () => {
  saveSession();
  if (readSaveTimer) saveRead();
});

// ---- start ----

setAccountsMode(!!saved.accounts);
if (saved.token || saved.name) {
  ui.nameInput.value = saved.name || "";
  setText(ui.startError, "");
  start({ name: saved.token ? undefined : saved.name, token: saved.token || undefined, resume: saved.resume, accountName: saved.name });
} else {
  ui.nameInput.focus();
}
