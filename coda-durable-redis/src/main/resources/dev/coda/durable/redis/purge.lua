-- Deletes up to limit tasks of a final state that finished before a time. ARGV: state, before (us), limit.
-- Returns their ids.
local base, state, before, limit = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])
local done = base .. ':done:' .. state
local ids = redis.call('ZRANGEBYSCORE', done, '-inf', '(' .. before, 'LIMIT', 0, limit)
for _, id in ipairs(ids) do
  redis.call('DEL', task_key(base, id))
  redis.call('ZREM', done, id)
  move(base, id, state, nil, nil)
end
return ids
