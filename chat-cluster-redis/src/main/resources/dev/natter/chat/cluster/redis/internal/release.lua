-- release: this node leaves gracefully: its lease ends now, so that another node claims it and ends,
-- after the grace, the sessions nobody resumed. Reply: {}.
redis.call('ZADD', P .. 'nodes', 'XX', '0', NODE)
return {}
