-- members: a room's members and their version, read together.
-- ARGV[4] room. Reply: {version, {id, name, id, name, ...}}.
local room = ARGV[4]
return {tonumber(redis.call('GET', P .. 'mv:' .. room) or '0'), redis.call('HGETALL', P .. 'm:' .. room)}
