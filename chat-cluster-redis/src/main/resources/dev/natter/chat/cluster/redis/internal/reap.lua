-- reap: ends the sessions a dead node instance still owns (reason 'disconnect'), once their grace is
-- over, and forgets the node. Sessions resumed elsewhere meanwhile have another owner and stay.
-- ARGV[4] the dead instance. Reply: {ended, {changes}}.
local dead = ARGV[4]
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
