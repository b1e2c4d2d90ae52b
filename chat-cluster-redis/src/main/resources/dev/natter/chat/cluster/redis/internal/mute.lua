-- mute: mutes or unmutes a user in a room; a script only for its deadline (common.lua).
-- ARGV[5] room, [6] user id, [7] '1' to mute, '0' to unmute. Reply: {}.
local member = ARGV[5] .. '\n' .. ARGV[6]
if ARGV[7] == '1' then
  redis.call('SADD', P .. 'mutes', member)
else
  redis.call('SREM', P .. 'mutes', member)
end
return {}
