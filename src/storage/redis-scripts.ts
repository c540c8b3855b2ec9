// Lua scripts: every multi-step change to shared state runs as one script, so concurrent
// instances can never interleave inside it. Time comes from Redis (TIME), so instances with
// skewed clocks still agree on windows and hold expiry.

const HELPERS = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function bucket_size(window_ms)
  return math.max(1, math.ceil(window_ms / 60))
end
local function window_sum(key, window_ms, now)
  local size = bucket_size(window_ms)
  local oldest = math.floor(now / size) - 60
  local flat = redis.call('HGETALL', key)
  local sum = 0
  for i = 1, #flat, 2 do
    if tonumber(flat[i]) < oldest then
      redis.call('HDEL', key, flat[i])
    else
      sum = sum + tonumber(flat[i + 1])
    end
  end
  return sum
end
local function window_add(key, amount, window_ms, now)
  local size = bucket_size(window_ms)
  redis.call('HINCRBY', key, math.floor(now / size), amount)
  redis.call('PEXPIRE', key, window_ms + 2 * size)
  return window_sum(key, window_ms, now)
end
local function pool_total(amounts, expiries, now)
  local expired = redis.call('ZRANGEBYSCORE', expiries, '-inf', now)
  for i = 1, #expired do
    redis.call('HDEL', amounts, expired[i])
  end
  if #expired > 0 then
    redis.call('ZREMRANGEBYSCORE', expiries, '-inf', now)
  end
  local total = 0
  for _, v in ipairs(redis.call('HVALS', amounts)) do
    total = total + tonumber(v)
  end
  return total
end
`;

/** KEYS[1] counter; ARGV windowMs, by → {value, pttl}. A new counter gets the window's TTL. */
export const INCREMENT = `
local value = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {value, ttl}
`;

/** KEYS[1] window; ARGV amount, windowMs → sum after adding. */
export const WINDOW_ADD = `${HELPERS}
return window_add(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), now_ms())
`;

/** KEYS[1] window; ARGV windowMs → sum. */
export const WINDOW_SUM = `${HELPERS}
return window_sum(KEYS[1], tonumber(ARGV[1]), now_ms())
`;

/** KEYS window, pool amounts, pool expiries; ARGV windowMs, holdId, amount, ttlMs, cap → {granted, committed, held}. */
export const PLACE_HOLD = `${HELPERS}
local now = now_ms()
local committed = window_sum(KEYS[1], tonumber(ARGV[1]), now)
local held = pool_total(KEYS[2], KEYS[3], now)
local amount = tonumber(ARGV[3])
if committed + held + amount > tonumber(ARGV[5]) then
  return {0, committed, held}
end
local ttl = tonumber(ARGV[4])
redis.call('HSET', KEYS[2], ARGV[2], amount)
redis.call('ZADD', KEYS[3], now + ttl, ARGV[2])
if redis.call('PTTL', KEYS[2]) < ttl then
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
return {1, committed, held + amount}
`;

/**
 * KEYS pool amounts, once-key, then one key per window; ARGV amount, holdId ('' for none),
 * once-TTL ('' for none), then one windowMs per window → the window sums after the commit.
 * With a once-key that already exists the commit was applied before: nothing changes.
 */
export const COMMIT = `${HELPERS}
local now = now_ms()
local amount = tonumber(ARGV[1])
local sums = {}
if ARGV[3] ~= '' and not redis.call('SET', KEYS[2], '1', 'PX', ARGV[3], 'NX') then
  for i = 3, #KEYS do
    sums[#sums + 1] = window_sum(KEYS[i], tonumber(ARGV[i + 1]), now)
  end
  return sums
end
for i = 3, #KEYS do
  sums[#sums + 1] = window_add(KEYS[i], amount, tonumber(ARGV[i + 1]), now)
end
if ARGV[2] ~= '' then
  local current = redis.call('HGET', KEYS[1], ARGV[2])
  if current then
    redis.call('HSET', KEYS[1], ARGV[2], math.max(0, tonumber(current) - amount))
  end
end
return sums
`;

/** KEYS pool amounts, pool expiries → total of live holds. */
export const HELD_TOTAL = `${HELPERS}
return pool_total(KEYS[1], KEYS[2], now_ms())
`;
