-- Cancels a queued or scheduled task. ARGV: id. Returns 1 if it did.
local base, id = KEYS[1], ARGV[1]
local h = task_key(base, id)
local f = redis.call('HMGET', h, 'state', 'created')
if f[1] ~= 'queued' then
  return 0
end
if redis.call('ZREM', base .. ':delayed', id) == 0 then
  ack(base, h)
end
finish(base, h, id, 'queued', 'cancelled', f[2], now_us())
return 1
