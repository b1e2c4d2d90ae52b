-- recover: this node found its lease gone, or Redis' incarnation changed or missing. It registers
-- again with a lease until now + ARGV[5] ms, and withdraws any claim on it (a reaper that comes later
-- ends nothing: the node takes its sessions back, restore.lua). The incarnation becomes ARGV[6], a new
-- random id, when the key is missing (Redis lost its data and no node noticed yet). ARGV[7] is the
-- incarnation the node knew. Run without the incarnation check.
-- Reply: {the incarnation, 1 when it is not the one the node knew (Redis lost its data), else 0}.
local current = redis.call('GET', P .. 'incarnation')
if not current then
  current = ARGV[6]
  redis.call('SET', P .. 'incarnation', current)
end
redis.call('ZADD', P .. 'nodes', ms(NOW_MS + tonumber(ARGV[5])), NODE)
redis.call('ZREM', P .. 'reaping', NODE)
return {current, current == ARGV[7] and 0 or 1}
