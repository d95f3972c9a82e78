-- Moves a failed or cancelled task back to its stream with a fresh attempt count, unless another live task holds its
-- unique key. ARGV: id. Returns 1 if it did.
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
    return 0
  end
  redis.call('SET', u, id)
end
local now = now_us()
-- a failed task's final attempt goes into the history before the fresh attempt count (cancelled tasks have no worker)
local last = redis.call('HMGET', h, 'worker', 'attempts', 'started', 'finished', 'error')
if last[1] then
  log_attempt(h, last[2], last[1], last[3], last[4] or now, 'failed', last[5])
end
redis.call('HSET', h, 'state', 'queued', 'attempts', '0', 'run_at', fmt(now))
redis.call('HDEL', h, 'finished', 'result', 'owner', 'worker', 'started')
redis.call('ZREM', base .. ':done:' .. f[1], id)
move(base, id, f[1], 'queued', f[3])
make_ready(base, h, id)
return 1
