-- register: this node instance joins the cluster with a lease until now + ARGV[5] ms. The first node
-- of a Redis also names its incarnation: ARGV[6], a random id, becomes the key `incarnation` unless it
-- exists. Run without the incarnation check (the node learns it here).
-- Reply: {the incarnation}.
redis.call('SET', P .. 'incarnation', ARGV[6], 'NX')
redis.call('ZADD', P .. 'nodes', ms(NOW_MS + tonumber(ARGV[5])), NODE)
return {redis.call('GET', P .. 'incarnation')}
