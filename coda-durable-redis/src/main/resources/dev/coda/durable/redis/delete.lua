-- Deletes a task that is not running: its hash, its stream entry or delay, its index and counter, its unique key.
-- ARGV: id. Returns 1 if it did (the caller removes it from the directory of ids).
local base, id = KEYS[1], ARGV[1]
local h = task_key(base, id)
local f = redis.call('HMGET', h, 'state', 'created')
if not f[1] or f[1] == 'running' then
  return 0
end
if f[1] == 'queued' then
  if redis.call('ZREM', base .. ':delayed', id) == 0 then
    ack(base, h)
  end
  free_unique(base, h, id)
else
  redis.call('ZREM', base .. ':done:' .. f[1], id)
end
move(base, id, f[1], nil, nil)
redis.call('DEL', h)
return 1
