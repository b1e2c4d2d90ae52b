-- detach: the session's connection was lost; it waits for a resume.
-- ARGV[5] session id, [6] its token as the caller knows it.
-- Reply: {1} when the session is now detached, {0} when it ended or was resumed since that token.
local sessionId, token = ARGV[5], ARGV[6]
local key = P .. 'sess:' .. sessionId
local s = redis.call('HMGET', key, 'token', 'attached', 'user')
if s[1] ~= token then
  return {0}
end
if s[2] == '1' then
  redis.call('HSET', key, 'attached', '0')
  online(s[3], -1)
end
return {1}
