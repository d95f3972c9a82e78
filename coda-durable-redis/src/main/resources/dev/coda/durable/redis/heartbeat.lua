-- Records a heartbeat of a registered worker (KEYS: workers, heartbeats; ARGV: id). Returns 1 if it is registered.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], fmt(now_us()))
return 1
