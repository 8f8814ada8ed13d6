import { TOKEN_BUCKET_LUA } from './token-bucket.lua';

/**
 * A request's buckets in one Redis round trip (issue 33): the token bucket of TOKEN_BUCKET_LUA drawn for each
 * (bucket, violations) key pair in order, stopping at the first refusal, so a bucket after a refused one spends
 * nothing (the per-key ceiling before the customer's). KEYS: bucket1, violations1, bucket2, violations2, …
 * ARGV: violation window ms, the time in ms or '' (tests only), then capacity and window ms per pair.
 * Returns the replies of the buckets drawn, flattened: { allowed, remaining, ms until full, ms until one } each.
 */
export const TOKEN_BUCKETS_LUA = `
local function draw(bucket, violations, capacity, window, violationMs, now)
${TOKEN_BUCKET_LUA.replace(/^local capacity = .*$/m, '')
  .replace(/^local window = .*$/m, '')
  .replace(/^local now = tonumber\(ARGV\[4\]\)$/m, '')
  .replace(/KEYS\[1\]/g, 'bucket')
  .replace(/KEYS\[2\]/g, 'violations')
  .replace(/ARGV\[3\]/g, 'violationMs')}
end
local violationMs = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local out = {}
for i = 1, #KEYS / 2 do
  local reply = draw(KEYS[2 * i - 1], KEYS[2 * i], tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i]), violationMs, now)
  for _, v in ipairs(reply) do out[#out + 1] = v end
  if reply[1] == 0 then break end
end
return out
`;

/**
 * A failed authentication counted in one round trip. KEYS: the fixed-window counters of the request's subjects
 * (the key's id, the client address). ARGV: capacity, window ms, '1' to count even when refused.
 * The refusal is judged on the counts before this failure: the first subject at or over capacity refuses, with
 * its ms until the window ends (0 without expiry). Counted unless refused and ARGV[3] is not '1'.
 * Returns { refused (1 or 0), ms until that counter resets }.
 */
export const FAILED_AUTH_LUA = `
local capacity = tonumber(ARGV[1])
local refused = 0
local retry = 0
for _, key in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', key) or '0')
  if refused == 0 and n >= capacity then
    refused = 1
    retry = math.max(0, redis.call('PTTL', key))
  end
end
if refused == 0 or ARGV[3] == '1' then
  for _, key in ipairs(KEYS) do
    redis.call('SET', key, 0, 'PX', ARGV[2], 'NX')
    redis.call('INCR', key)
  end
end
return { refused, retry }
`;
