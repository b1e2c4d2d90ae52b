-- disconnect: ends every session of a user (reason 'kicked'), then tells the user's channel.
-- ARGV[5] user id. Reply: {ended, {changes}}.
local userId = ARGV[5]
local ids = sessionsOf(userId)
local changes = {}
for _, sessionId in ipairs(ids) do
  endSession(sessionId, 'kicked', changes)
end
if #ids > 0 then
  redis.call('PUBLISH', P .. 'u:' .. userId, frame(KIND_DISCONNECTED, str(userId)))
end
return {#ids, changes}
