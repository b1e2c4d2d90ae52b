-- claim: makes the caller the reaper of every node whose lease expired, and of every dead node whose
-- reaper's claim expired in turn (the reaper died). Exactly one caller claims each: the script is atomic.
-- A claimed node's attached sessions become detached (they wait for a resume elsewhere), and its death
-- is announced on `ctl` so that every node catches up on what it may not have published.
-- ARGV[5] how long the claim holds, ms (the grace and a lease). Reply: {claimed instances}.
local claimMs = tonumber(ARGV[5])
local claimed = {}
for _, instance in ipairs(redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', '(' .. ms(NOW_MS))) do
  -- Never itself: a node that runs this is alive, and its next renewal extends its lease.
  if instance ~= NODE then
    redis.call('ZREM', P .. 'nodes', instance)
    claimed[#claimed + 1] = instance
  end
end
for _, instance in ipairs(redis.call('ZRANGEBYSCORE', P .. 'reaping', '-inf', '(' .. ms(NOW_MS))) do
  claimed[#claimed + 1] = instance
end
for _, instance in ipairs(claimed) do
  redis.call('ZADD', P .. 'reaping', ms(NOW_MS + claimMs), instance)
  for _, sessionId in ipairs(redis.call('SMEMBERS', P .. 'node:' .. instance .. ':sessions')) do
    local key = P .. 'sess:' .. sessionId
    local s = redis.call('HMGET', key, 'attached', 'user')
    if s[1] == '1' then
      redis.call('HSET', key, 'attached', '0')
      online(s[2], -1)
    end
  end
  redis.call('PUBLISH', P .. 'ctl', frame(KIND_NODE_DIED, str(instance)))
end
return claimed
