-- Shared by every script of RedisCluster: Scripts.java prepends it to each one. Each script runs
-- atomically, reads and changes the keys of docs/cluster.md §5 under the prefix ARGV[1] on behalf of
-- the node instance ARGV[2] (node id '.' incarnation), and publishes what other nodes must hear in the
-- same step. ARGV[3] is its deadline in Redis' clock (microseconds): a script that starts later does
-- nothing and fails, because its caller has given up and reported the failure (a paused Redis runs the
-- commands it queued when it goes on). ARGV[4] is the Redis incarnation the node knows (the value of
-- the key `incarnation` when it registered): a script finding another one, or none, does nothing and
-- fails with NATTER_LOST, because Redis lost its data since and the node must register again first
-- (docs/cluster.md §9); '' skips the check (register, recover, release). Its own arguments start at
-- ARGV[5].
--
-- The keys are computed here rather than passed in KEYS: the cluster runs on one Redis (not Redis
-- Cluster), where a script may touch any key.

local P = ARGV[1]
local NODE = ARGV[2]

local clock = redis.call('TIME')
if tonumber(clock[1]) * 1000000 + tonumber(clock[2]) > tonumber(ARGV[3]) then
  return redis.error_reply('NATTER_LATE the caller gave up on this script')
end
if ARGV[4] ~= '' and redis.call('GET', P .. 'incarnation') ~= ARGV[4] then
  return redis.error_reply('NATTER_LOST Redis lost its data: this node must register again')
end
-- Redis' clock in milliseconds, for the leases.
local NOW_MS = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

local function ms(n)
  return string.format('%.0f', n)
end

-- The bus codec's Lua half (BusCodec.java holds the Java half and the format).
local CODEC_VERSION = 1
local KIND_PRESENCE = 2
local KIND_TAKEN_OVER = 3
local KIND_DISCONNECTED = 4
local KIND_NODE_DIED = 5
local REASON_CODES = {left = 1, disconnect = 2, kicked = 3}

local function varint(n)
  local out = {}
  repeat
    local b = n % 128
    n = (n - b) / 128
    if n > 0 then
      b = b + 128
    end
    out[#out + 1] = string.char(b)
  until n == 0
  return table.concat(out)
end

local function str(s)
  return varint(#s) .. s
end

local function frame(kind, body)
  return string.char(CODEC_VERSION, kind) .. str(NODE) .. body
end

local function isDirect(room)
  return string.sub(room, 1, 3) == 'dm:'
end

-- Announces a change of a room's members on its channel; returns it as the scripts' replies carry it:
-- {room, 'join' or 'leave', user id, user name, reason ('' for a join), version}.
local function announce(room, event, userId, name, reason, version)
  local body = str(room) .. string.char(event == 'join' and 1 or 2) .. str(userId) .. str(name)
      .. string.char(REASON_CODES[reason] or 0) .. varint(version)
  redis.call('PUBLISH', P .. 'r:' .. room, frame(KIND_PRESENCE, body))
  return {room, event, userId, name, reason, version}
end

-- The number of attached sessions of each user: a user is online while they have one.
local function online(userId, delta)
  if redis.call('HINCRBY', P .. 'online', userId, delta) <= 0 then
    redis.call('HDEL', P .. 'online', userId)
  end
end

-- The user's first session entered the room.
local function memberAdded(room, userId, name)
  redis.call('HSET', P .. 'm:' .. room, userId, name)
  if not isDirect(room) then
    redis.call('HINCRBY', P .. 'rooms', room, 1)
  end
  return announce(room, 'join', userId, name, '', redis.call('INCR', P .. 'mv:' .. room))
end

-- The user's last session left the room (their sessions' room sets are already updated).
local function memberRemoved(room, userId, name, reason)
  redis.call('HDEL', P .. 'm:' .. room, userId)
  redis.call('HDEL', P .. 'mc:' .. room, userId)
  if not isDirect(room) and redis.call('HINCRBY', P .. 'rooms', room, -1) <= 0 then
    redis.call('HDEL', P .. 'rooms', room)
  end
  return announce(room, 'leave', userId, name, reason, redis.call('INCR', P .. 'mv:' .. room))
end

-- Takes one session out of a room: the change when it was its user's last session there, else nil.
local function leaveRoom(sessionId, userId, name, room, reason)
  if redis.call('SREM', P .. 'sess:' .. sessionId .. ':rooms', room) == 0 then
    return nil
  end
  if redis.call('HINCRBY', P .. 'mc:' .. room, userId, -1) > 0 then
    return nil
  end
  return memberRemoved(room, userId, name, reason)
end

-- Deletes a session, its token and its rooms, appending the presence changes to `changes`.
local function endSession(sessionId, reason, changes)
  local key = P .. 'sess:' .. sessionId
  local s = redis.call('HMGET', key, 'user', 'name', 'owner', 'token', 'attached')
  local userId, name, owner, token, attached = s[1], s[2], s[3], s[4], s[5]
  redis.call('DEL', P .. 'tok:' .. token)
  redis.call('SREM', P .. 'user:' .. userId .. ':sessions', sessionId)
  redis.call('SREM', P .. 'node:' .. owner .. ':sessions', sessionId)
  if attached == '1' then
    online(userId, -1)
  end
  local rooms = redis.call('SMEMBERS', key .. ':rooms')
  table.sort(rooms)
  for _, room in ipairs(rooms) do
    local change = leaveRoom(sessionId, userId, name, room, reason)
    if change then
      changes[#changes + 1] = change
    end
  end
  redis.call('DEL', key, key .. ':rooms')
end

-- The ids of a user's sessions, in the order they were opened.
local function sessionsOf(userId)
  local ids = redis.call('SMEMBERS', P .. 'user:' .. userId .. ':sessions')
  local order = {}
  for _, id in ipairs(ids) do
    order[id] = tonumber(redis.call('HGET', P .. 'sess:' .. id, 'ord'))
  end
  table.sort(ids, function(a, b) return order[a] < order[b] end)
  return ids
end
