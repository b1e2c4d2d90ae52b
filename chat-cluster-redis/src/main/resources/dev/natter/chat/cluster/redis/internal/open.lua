-- open: resumes the session of a token when it is the same user's, otherwise opens a new session.
-- ARGV[5] user id, [6] user name, [7] exclusive ('1' or '0'), [8] resume token ('' for none),
-- [9] the new token, [10] the new session's id.
-- Reply: {'opened', session id, token, resumed (0 or 1), {rooms}, {their membership versions}} or
-- {'name_taken'}.
local userId, name, exclusive, resumeToken, token, newId = ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]
redis.call('HSET', P .. 'users', userId, name)

if resumeToken ~= '' then
  local sessionId = redis.call('GET', P .. 'tok:' .. resumeToken)
  if sessionId then
    local key = P .. 'sess:' .. sessionId
    local s = redis.call('HMGET', key, 'user', 'owner', 'attached')
    if s[1] == userId then
      redis.call('DEL', P .. 'tok:' .. resumeToken)
      redis.call('SET', P .. 'tok:' .. token, sessionId)
      redis.call('HSET', key, 'token', token, 'owner', NODE, 'attached', '1')
      if s[3] ~= '1' then
        online(userId, 1)
      end
      if s[2] ~= NODE then
        redis.call('SREM', P .. 'node:' .. s[2] .. ':sessions', sessionId)
        redis.call('SADD', P .. 'node:' .. NODE .. ':sessions', sessionId)
        redis.call('PUBLISH', P .. 'n:' .. s[2], frame(KIND_TAKEN_OVER, str(sessionId)))
      end
      local rooms = redis.call('SMEMBERS', key .. ':rooms')
      local versions = {}
      for r, room in ipairs(rooms) do
        versions[r] = tonumber(redis.call('GET', P .. 'mv:' .. room) or '0')
      end
      return {'opened', sessionId, token, 1, rooms, versions}
    end
  end
end

if exclusive == '1' and redis.call('SCARD', P .. 'user:' .. userId .. ':sessions') > 0 then
  return {'name_taken'}
end
local key = P .. 'sess:' .. newId
if redis.call('EXISTS', key) == 1 then
  return redis.error_reply('session id ' .. newId .. ' exists')
end
redis.call('HSET', key, 'user', userId, 'name', name, 'owner', NODE, 'token', token, 'attached', '1',
    'ord', redis.call('INCR', P .. 'sessions:ord'))
redis.call('SET', P .. 'tok:' .. token, newId)
redis.call('SADD', P .. 'user:' .. userId .. ':sessions', newId)
redis.call('SADD', P .. 'node:' .. NODE .. ':sessions', newId)
online(userId, 1)
return {'opened', newId, token, 0, {}, {}}
