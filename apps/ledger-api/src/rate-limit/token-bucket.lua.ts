/**
 * Atomic token bucket. KEYS: bucket hash, violation counter. ARGV: capacity,
 * window ms, violation window ms, and (tests only) the time in ms. Refill is
 * continuous (capacity per window); Redis's own clock keeps every API instance
 * on one time line. Returns { allowed, remaining, ms until full, ms until one token }.
 */
export const TOKEN_BUCKET_LUA = `
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[4])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then tokens = capacity; ts = now end
local rate = capacity / window
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  redis.call('INCR', KEYS[2])
  if redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], window)
local untilFull = math.ceil((capacity - tokens) / rate)
local untilOne = 0
if allowed == 0 then untilOne = math.ceil((1 - tokens) / rate) end
return { allowed, math.floor(tokens), untilFull, untilOne }
`;
