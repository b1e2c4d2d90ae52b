-- online: the users with an attached session, each with the name of their oldest session.
-- Reply: {id, name, id, name, ...}.
local out = {}
for _, userId in ipairs(redis.call('HKEYS', P .. 'online')) do
  local ids = sessionsOf(userId)
  if #ids > 0 then
    out[#out + 1] = userId
    out[#out + 1] = redis.call('HGET', P .. 'sess:' .. ids[1], 'name')
  end
end
return out
