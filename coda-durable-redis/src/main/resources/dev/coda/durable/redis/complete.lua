-- Records outcomes of tasks a worker holds, then acknowledges their stream entries. ARGV: worker, then 4 fields an
-- outcome: kind (s: succeeded, r: succeeded with a result, f: failed, q: to retry), id, text (result or error), retry
-- time (us). Outcomes of tasks the worker no longer holds are ignored. Returns how many were recorded.
local base, worker = KEYS[1], ARGV[1]
local now = now_us()
local recorded = 0
for i = 2, #ARGV, 4 do
  local kind, id, text, at = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local h = task_key(base, id)
  local f = redis.call('HMGET', h, 'state', 'owner', 'created', 'attempts', 'started')
  if f[1] == 'running' and f[2] == worker then
    ack(base, h)
    redis.call('ZREM', base .. ':leases', id)
    if kind == 's' or kind == 'r' then
      if kind == 'r' then
        redis.call('HSET', h, 'result', text)
      end
      finish(base, h, id, 'running', 'succeeded', f[3], now)
    elseif kind == 'f' then
      redis.call('HSET', h, 'error', text)
      finish(base, h, id, 'running', 'failed', f[3], now)
    else
      log_attempt(h, f[4], worker, f[5], now, 'retried', text)
      redis.call('HSET', h, 'state', 'queued', 'error', text, 'run_at', at)
      redis.call('HDEL', h, 'owner', 'worker')
      move(base, id, 'running', 'queued', f[3])
      redis.call('ZADD', base .. ':delayed', at, id)
    end
    recorded = recorded + 1
  end
end
return recorded
