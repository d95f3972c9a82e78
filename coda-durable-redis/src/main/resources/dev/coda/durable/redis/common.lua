-- Shared by every script (prepended by Scripts.java). KEYS[1] is the queue's base key "<prefix>:{<queue>}": every key a
-- script touches starts with it, so they share its hash tag and slot on Redis Cluster.
local GROUP = 'coda'

-- the engine's clock: Redis's TIME, in microseconds (exact in a Lua number until the year 2255)
local function now_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

-- a number as Redis stores it: digits, never "1.7e+15"
local function fmt(n)
  return string.format('%.0f', n)
end

local function task_key(base, id)
  return base .. ':t:' .. id
end

-- moves a task between the per-state search indexes (scored by creation time) and the per-state counters
local function move(base, id, from, to, created)
  if from then
    redis.call('ZREM', base .. ':ix:' .. from, id)
    redis.call('HINCRBY', base .. ':counts', from, -1)
  end
  if to then
    redis.call('ZADD', base .. ':ix:' .. to, created, id)
    redis.call('HINCRBY', base .. ':counts', to, 1)
  end
end

-- frees the task's unique key, if it still holds it
local function free_unique(base, h, id)
  local key = redis.call('HGET', h, 'unique')
  if key then
    local u = base .. ':unique:' .. key
    if redis.call('GET', u) == id then
      redis.call('DEL', u)
    end
  end
end

-- appends a queued task to the stream of its priority, whose consumer group hands it out
local function make_ready(base, h, id)
  local prio = redis.call('HGET', h, 'prio')
  local stream = base .. ':ready:' .. prio
  if redis.call('EXISTS', stream) == 0 then
    redis.call('XGROUP', 'CREATE', stream, GROUP, '0', 'MKSTREAM')
  end
  local sid = redis.call('XADD', stream, '*', 'id', id)
  redis.call('ZADD', base .. ':levels', prio, prio)
  redis.call('HSET', h, 'sid', sid)
end

-- acknowledges and deletes the task's stream entry: a stream holds only entries of tasks not yet finished
local function ack(base, h)
  local f = redis.call('HMGET', h, 'sid', 'prio')
  if f[1] then
    local stream = base .. ':ready:' .. f[2]
    redis.call('XACK', stream, GROUP, f[1])
    redis.call('XDEL', stream, f[1])
    redis.call('HDEL', h, 'sid')
  end
end

-- appends an attempt that ended without ending the task (retried, lost, or failed before an administrator's retry) to
-- the task's history, a JSON array in the field 'log' (the format of coda-durable's AttemptLog), keeping the last
-- MAX_KEPT with errors cut to MAX_ERROR_CHARS (TaskAttempt's bounds); times in microseconds are written as milliseconds
local function log_attempt(h, n, worker, started, finished, outcome, err)
  local text = redis.call('HGET', h, 'log')
  local log = text and cjson.decode(text) or {}
  if #log >= 50 then
    table.remove(log, 1)
  end
  local entry = {n = tonumber(n), worker = worker or '?', outcome = outcome,
    finished = fmt(math.floor(tonumber(finished) / 1000))}
  if started then
    entry.started = fmt(math.floor(tonumber(started) / 1000))
  end
  if err then
    entry.error = string.sub(err, 1, 4000)
  end
  log[#log + 1] = entry
  redis.call('HSET', h, 'log', cjson.encode(log))
end

-- records a final state: its finish time, its index for purge, its counter; frees its unique key
local function finish(base, h, id, from, to, created, now)
  redis.call('HSET', h, 'state', to, 'finished', fmt(now))
  redis.call('HDEL', h, 'owner')
  move(base, id, from, to, created)
  redis.call('ZADD', base .. ':done:' .. to, fmt(now), id)
  free_unique(base, h, id)
end
