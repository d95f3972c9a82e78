-- Moves a failed or cancelled task back to its stream with a fresh attempt count, unless another live task holds its
-- unique key. ARGV: id. Returns 1 if it did, 0 if the task is not failed or cancelled, 2 if a live task holds the key.
local base, id = KEYS[1], ARGV[1]
local h = task_key(base, id)
local f = redis.call('HMGET', h, 'state', 'unique', 'created')
if f[1] ~= 'failed' and f[1] ~= 'cancelled' then
  return 0
end
if f[2] then
  local u = base .. ':unique:' .. f[2]
  local holder = redis.call('GET', u)
  if holder and holder ~= id then
    return 2
  end
  redis.call('SET', u, id)
end
local now = now_us()
redis.call('HSET', h, 'state', 'queued', 'attempts', '0', 'run_at', fmt(now))
redis.call('HDEL', h, 'finished', 'result', 'owner', 'started')
redis.call('ZREM', base .. ':done:' .. f[1], id)
move(base, id, f[1], 'queued', f[3])
make_ready(base, h, id)
return 1
