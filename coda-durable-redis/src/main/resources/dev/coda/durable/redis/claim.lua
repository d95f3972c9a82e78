-- Claims up to max tasks for a worker. ARGV: worker, max, lease (us), due_by (us, 0 for none).
-- Returns {id, name, args, attempt, max attempts, lost by ('' if not recovered), timeout ms ('')} a task:
-- first running tasks whose lease deadline passed (taken over with XCLAIM), then due delayed tasks moved to their
-- streams, then new entries of the streams, highest priority first.
local base, worker, max, lease = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local now = now_us()
local due = math.max(now, tonumber(ARGV[4]))
local leases = base .. ':leases'
local out = {}

local function hand_out(h, id, attempt, lost_by)
  local f = redis.call('HMGET', h, 'name', 'args', 'max', 'timeout')
  out[#out + 1] = {id, f[1], f[2], tostring(attempt), f[3], lost_by or '', f[4] or ''}
end

for _, id in ipairs(redis.call('ZRANGEBYSCORE', leases, '-inf', '(' .. fmt(now), 'LIMIT', 0, max)) do
  local h = task_key(base, id)
  local was = redis.call('HMGET', h, 'state', 'owner', 'attempts', 'max', 'prio', 'sid', 'started')
  if was[1] == 'running' then
    local attempts = tonumber(was[3])
    log_attempt(h, attempts, was[2], was[7], now, 'lost', nil)
    -- the last allowed attempt is not counted again: the claimer records it as failed ("worker lost")
    redis.call('HSET', h, 'owner', worker, 'started', fmt(now), 'attempts', tostring(math.min(attempts + 1, tonumber(was[4]))))
    if attempts < tonumber(was[4]) then
      redis.call('HSET', h, 'worker', worker)
    else
      redis.call('HDEL', h, 'worker')
    end
    redis.call('ZADD', leases, fmt(now + lease), id)
    if was[6] then
      redis.call('XCLAIM', base .. ':ready:' .. was[5], GROUP, worker, 0, was[6], 'JUSTID')
    end
    hand_out(h, id, attempts + 1, was[2] or '?')
  else
    redis.call('ZREM', leases, id)
  end
end

for _, id in ipairs(redis.call('ZRANGEBYSCORE', base .. ':delayed', '-inf', fmt(due), 'LIMIT', 0, 1000)) do
  redis.call('ZREM', base .. ':delayed', id)
  make_ready(base, task_key(base, id), id)
end

for _, prio in ipairs(redis.call('ZREVRANGE', base .. ':levels', 0, -1)) do
  local room = max - #out
  if room <= 0 then
    break
  end
  local stream = base .. ':ready:' .. prio
  local read = redis.call('XREADGROUP', 'GROUP', GROUP, worker, 'COUNT', room, 'STREAMS', stream, '>')
  if read then
    for _, entry in ipairs(read[1][2]) do
      local sid, id = entry[1], entry[2][2]
      local h = task_key(base, id)
      local f = redis.call('HMGET', h, 'state', 'attempts', 'created', 'sid')
      if f[1] == 'queued' and f[4] == sid then
        local attempt = tonumber(f[2]) + 1
        redis.call('HSET', h, 'state', 'running', 'attempts', tostring(attempt), 'owner', worker, 'worker', worker, 'started', fmt(now))
        redis.call('ZADD', leases, fmt(now + lease), id)
        move(base, id, 'queued', 'running', f[3])
        hand_out(h, id, attempt, nil)
      else
        -- an entry left behind by a task that is gone or moved on
        redis.call('XACK', stream, GROUP, sid)
        redis.call('XDEL', stream, sid)
      end
    end
  elseif redis.call('XLEN', stream) == 0 then
    redis.call('ZREM', base .. ':levels', prio)
  end
end
return out
