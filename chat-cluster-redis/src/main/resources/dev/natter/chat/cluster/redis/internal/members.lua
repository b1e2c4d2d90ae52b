-- members: a room's members and their version, read together.
-- ARGV[5] room. Reply: {version, {id, name, id, name, ...}}.
local room = ARGV[5]
return {tonumber(redis.call('GET', P .. 'mv:' .. room) or '0'), redis.call('HGETALL', P .. 'm:' .. room)}
