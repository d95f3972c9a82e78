-- Moves the lease deadlines of the tasks a worker holds. ARGV: worker, lease (us), ids. Returns the ids it holds.
local base, worker, lease = KEYS[1], ARGV[1], tonumber(ARGV[2])
local until_ = fmt(now_us() + lease)
local out = {}
for i = 3, #ARGV do
  local f = redis.call('HMGET', task_key(base, ARGV[i]), 'state', 'owner')
  if f[1] == 'running' and f[2] == worker then
    redis.call('ZADD', base .. ':leases', until_, ARGV[i])
    out[#out + 1] = ARGV[i]
  end
end
return out
