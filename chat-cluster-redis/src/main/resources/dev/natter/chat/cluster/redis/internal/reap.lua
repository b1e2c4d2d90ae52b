-- reap: ends the sessions a dead node instance still owns (reason 'disconnect'), once their grace is
-- over, and forgets the node. Sessions resumed elsewhere meanwhile have another owner and stay. Nothing
-- happens when the claim was withdrawn: the node was alive after all and took its sessions back
-- (recover.lua), or another reaper finished first.
-- ARGV[5] the dead instance. Reply: {ended, {changes}}, or {-1, {}} when the claim was withdrawn.
local dead = ARGV[5]
if not redis.call('ZSCORE', P .. 'reaping', dead) then
  return {-1, {}}
end
local ids = redis.call('SMEMBERS', P .. 'node:' .. dead .. ':sessions')
local order = {}
for _, id in ipairs(ids) do
  order[id] = tonumber(redis.call('HGET', P .. 'sess:' .. id, 'ord')) or 0
end
table.sort(ids, function(a, b) return order[a] < order[b] end)
local changes = {}
local ended = 0
for _, sessionId in ipairs(ids) do
  if redis.call('EXISTS', P .. 'sess:' .. sessionId) == 1 then
    endSession(sessionId, 'disconnect', changes)
    ended = ended + 1
  end
end
redis.call('DEL', P .. 'node:' .. dead .. ':sessions')
redis.call('ZREM', P .. 'reaping', dead)
return {ended, changes}
