-- Adds to the stats roll-up (a hash a minute, fields from Stats.java) and drops the minutes before the first to keep.
-- KEYS[1]: the base of the stats keys. ARGV: the first minute to keep (epoch minutes), then minute, field, count a cell.
local base, keep = KEYS[1], tonumber(ARGV[1])
local minutes = base .. ':minutes'
for i = 2, #ARGV, 3 do
  redis.call('HINCRBY', base .. ':' .. ARGV[i], ARGV[i + 1], ARGV[i + 2])
  redis.call('ZADD', minutes, ARGV[i], ARGV[i])
end
for _, minute in ipairs(redis.call('ZRANGEBYSCORE', minutes, '-inf', '(' .. keep)) do
  redis.call('DEL', base .. ':' .. minute)
end
redis.call('ZREMRANGEBYSCORE', minutes, '-inf', '(' .. keep)
return 0
