-- register: this node instance joins the cluster with a lease until now + ARGV[4] ms.
-- Reply: {}.
redis.call('ZADD', P .. 'nodes', ms(NOW_MS + tonumber(ARGV[4])), NODE)
return {}
