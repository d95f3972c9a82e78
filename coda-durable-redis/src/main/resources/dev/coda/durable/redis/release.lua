-- Gives tasks a worker holds back to their stream; the attempt does not count. ARGV: worker, ids. Returns how many.
local base, worker = KEYS[1], ARGV[1]
local released = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local h = task_key(base, id)
  local f = redis.call('HMGET', h, 'state', 'owner', 'created', 'attempts')
  if f[1] == 'running' and f[2] == worker then
    ack(base, h)
    redis.call('ZREM', base .. ':leases', id)
    redis.call('HSET', h, 'state', 'queued', 'attempts', tostring(tonumber(f[4]) - 1))
    redis.call('HDEL', h, 'owner', 'worker', 'started')
    move(base, id, 'running', 'queued', f[3])
    make_ready(base, h, id)
    released = released + 1
  end
end
return released
