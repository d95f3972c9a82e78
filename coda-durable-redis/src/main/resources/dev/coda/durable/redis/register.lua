-- Registers a worker (KEYS: workers, started, heartbeats; ARGV: id, its description); started and heartbeat are now.
local now = fmt(now_us())
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], now)
redis.call('HSET', KEYS[3], ARGV[1], now)
return 1
