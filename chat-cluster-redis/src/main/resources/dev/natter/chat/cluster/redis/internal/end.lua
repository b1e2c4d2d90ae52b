-- end: ends a session and takes it out of its rooms, unless it was resumed since the token or ended.
-- ARGV[5] session id, [6] its token as the caller knows it, [7] the reason ('left', 'disconnect' or
-- 'kicked'). Reply: {ended (0 or 1), {changes}}.
local sessionId, token, reason = ARGV[5], ARGV[6], ARGV[7]
if redis.call('HGET', P .. 'sess:' .. sessionId, 'token') ~= token then
  return {0, {}}
end
local changes = {}
endSession(sessionId, reason, changes)
return {1, changes}
