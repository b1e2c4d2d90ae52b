-- leave: takes a session out of a room, idempotent per session.
-- ARGV[5] room, [6] session id, [7] the reason. Reply: the change, or {} when the user is still in.
local room, sessionId, reason = ARGV[5], ARGV[6], ARGV[7]
local s = redis.call('HMGET', P .. 'sess:' .. sessionId, 'user', 'name')
if not s[1] then
  return {}
end
return leaveRoom(sessionId, s[1], s[2], room, reason) or {}
