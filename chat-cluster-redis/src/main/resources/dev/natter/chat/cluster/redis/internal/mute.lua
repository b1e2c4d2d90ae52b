-- mute: mutes or unmutes a user in a room; a script only for its deadline (common.lua).
-- ARGV[4] room, [5] user id, [6] '1' to mute, '0' to unmute. Reply: {}.
local member = ARGV[4] .. '\n' .. ARGV[5]
if ARGV[6] == '1' then
  redis.call('SADD', P .. 'mutes', member)
else
  redis.call('SREM', P .. 'mutes', member)
end
return {}
