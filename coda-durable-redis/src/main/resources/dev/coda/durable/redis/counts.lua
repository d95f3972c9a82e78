-- The counters of a queue's stored states, then how many of its queued tasks are still to come (scheduled).
local base = KEYS[1]
local out = redis.call('HGETALL', base .. ':counts')
out[#out + 1] = 'scheduled'
out[#out + 1] = tostring(redis.call('ZCOUNT', base .. ':delayed', '(' .. fmt(now_us()), '+inf'))
return out
