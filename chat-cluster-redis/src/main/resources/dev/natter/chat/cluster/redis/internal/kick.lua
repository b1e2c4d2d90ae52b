-- kick: takes every session of a user out of a room, reason 'kicked'.
-- ARGV[5] room, [6] user id. Reply: the change, or {} when the user was not a member.
local room, userId = ARGV[5], ARGV[6]
local name = redis.call('HGET', P .. 'm:' .. room, userId)
if not name then
  return {}
end
for _, sessionId in ipairs(redis.call('SMEMBERS', P .. 'user:' .. userId .. ':sessions')) do
  redis.call('SREM', P .. 'sess:' .. sessionId .. ':rooms', room)
end
return memberRemoved(room, userId, name, 'kicked')
