-- join: puts a session in a room, idempotent per session.
-- ARGV[5] room, [6] session id, [7] user id, [8] user name.
-- Reply: {'joined', version, change or {}, {id, name, id, name, ...}} or {'ended'}.
local room, sessionId, userId, name = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local key = P .. 'sess:' .. sessionId
if redis.call('EXISTS', key) == 0 then
  return {'ended'}
end
local change = {}
if redis.call('SADD', key .. ':rooms', room) == 1
    and redis.call('HINCRBY', P .. 'mc:' .. room, userId, 1) == 1 then
  change = memberAdded(room, userId, name)
end
local version = tonumber(redis.call('GET', P .. 'mv:' .. room) or '0')
return {'joined', version, change, redis.call('HGETALL', P .. 'm:' .. room)}
