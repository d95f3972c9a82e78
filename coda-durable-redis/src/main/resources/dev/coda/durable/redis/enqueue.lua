-- Stores a batch of one queue's tasks. ARGV: queue, then 9 fields a task: id, name, args, priority, run_at (us, '' for
-- now), unique key (''), max attempts, timeout ms (''), context JSON (''). Returns the ids in order: a live task's for a
-- held unique key.
local base, queue = KEYS[1], ARGV[1]
local now = now_us()
for i = 2, #ARGV, 9 do
  if redis.call('EXISTS', task_key(base, ARGV[i])) == 1 then
    return redis.error_reply('a task with id ' .. ARGV[i] .. ' exists already')
  end
end
local out = {}
for i = 2, #ARGV, 9 do
  local id, name, args, prio, run_at, unique, max, timeout, context =
    ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8]
  local existing = false
  if unique ~= '' then
    local u = base .. ':unique:' .. unique
    existing = redis.call('GET', u)
    if not existing then
      redis.call('SET', u, id)
    end
  end
  if existing then
    out[#out + 1] = existing
  else
    local at = run_at == '' and now or tonumber(run_at)
    local h = task_key(base, id)
    redis.call('HSET', h, 'name', name, 'queue', queue, 'prio', prio, 'args', args, 'state', 'queued', 'attempts', '0',
      'max', max, 'run_at', fmt(at), 'created', fmt(now))
    if unique ~= '' then
      redis.call('HSET', h, 'unique', unique)
    end
    if timeout ~= '' then
      redis.call('HSET', h, 'timeout', timeout)
    end
    if context ~= '' then
      redis.call('HSET', h, 'context', context)
    end
    move(base, id, nil, 'queued', fmt(now))
    if at > now then
      redis.call('ZADD', base .. ':delayed', fmt(at), id)
    else
      make_ready(base, h, id)
    end
    out[#out + 1] = id
  end
end
return out
