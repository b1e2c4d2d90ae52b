-- restore: after recover.lua, puts back what this node holds: its sessions and their rooms.
-- ARGV[5] '1' when Redis lost its data (a session missing is re-created, silently: nothing changed for
-- its users), '0' when it kept it (a session missing was ended by the node's reaper: it is lost).
-- ARGV[6] the number of sessions, then for each: id, token, user id, name, attached ('1' or '0'), the
-- number of its rooms, the rooms. Then the number of rooms with a known version, and for each: room, the
-- highest membership version the node saw there.
-- A session that exists is kept when this node owns it (attached again when the node holds it attached
-- and a claim detached it), or was taken over when another node owns it (resumed there).
-- Versions, when Redis lost its data: the versions of a room restart in an empty Redis, while the
-- nodes' replicas hold the old ones. A room where this node adds a member moves to max(mv, known) + 1,
-- past everything any replica of this node saw and past every version already given; a room the node
-- knows otherwise moves to at least known + 1. So every replica's catch-up finds a newer snapshot and
-- diffs it (docs/cluster.md §5), and every later change has a version no replica takes for old.
-- Reply: {{lost session ids}, {taken-over session ids}}.
local lostData = ARGV[5] == '1'
local i = 6
local function nextArg()
  i = i + 1
  return ARGV[i - 1]
end
local lost, taken, added = {}, {}, {}
local sessions = tonumber(nextArg())
for _ = 1, sessions do
  local sessionId, token, userId, name, attached = nextArg(), nextArg(), nextArg(), nextArg(), nextArg()
  local rooms = {}
  for r = 1, tonumber(nextArg()) do
    rooms[r] = nextArg()
  end
  local key = P .. 'sess:' .. sessionId
  if redis.call('EXISTS', key) == 1 then
    local s = redis.call('HMGET', key, 'owner', 'attached')
    if s[1] ~= NODE then
      taken[#taken + 1] = sessionId
    elseif attached == '1' and s[2] ~= '1' then
      redis.call('HSET', key, 'attached', '1')
      online(userId, 1)
    end
  elseif lostData then
    redis.call('HSET', P .. 'users', userId, name)
    redis.call('HSET', key, 'user', userId, 'name', name, 'owner', NODE, 'token', token, 'attached', attached,
        'ord', redis.call('INCR', P .. 'sessions:ord'))
    redis.call('SET', P .. 'tok:' .. token, sessionId)
    redis.call('SADD', P .. 'user:' .. userId .. ':sessions', sessionId)
    redis.call('SADD', P .. 'node:' .. NODE .. ':sessions', sessionId)
    if attached == '1' then
      online(userId, 1)
    end
    for _, room in ipairs(rooms) do
      redis.call('SADD', key .. ':rooms', room)
      if redis.call('HINCRBY', P .. 'mc:' .. room, userId, 1) == 1 then
        redis.call('HSET', P .. 'm:' .. room, userId, name)
        if not isDirect(room) then
          redis.call('HINCRBY', P .. 'rooms', room, 1)
        end
        added[room] = true
      end
    end
  else
    lost[#lost + 1] = sessionId
  end
end
if lostData then
  local known = {}
  for _ = 1, tonumber(nextArg()) do
    local room = nextArg()
    known[room] = tonumber(nextArg())
  end
  for room in pairs(added) do
    known[room] = known[room] or 0
  end
  for room, version in pairs(known) do
    local current = tonumber(redis.call('GET', P .. 'mv:' .. room) or '0')
    if added[room] then
      redis.call('SET', P .. 'mv:' .. room, ms(math.max(current, version) + 1))
    elseif version > 0 and current <= version then
      redis.call('SET', P .. 'mv:' .. room, ms(version + 1))
    end
  end
end
return {lost, taken}
