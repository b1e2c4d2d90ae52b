-- renew: extends this node's lease to now + ARGV[5] ms, unless it is gone from `nodes` (another node
-- claimed it after it expired). A Redis that lost its data fails the incarnation check first
-- (common.lua). Reply: {1} renewed, {0} gone.
if not redis.call('ZSCORE', P .. 'nodes', NODE) then
  return {0}
end
redis.call('ZADD', P .. 'nodes', 'XX', ms(NOW_MS + tonumber(ARGV[5])), NODE)
return {1}
