import { createHash } from 'node:crypto';

/** A Lua script with its SHA-1, for EVALSHA with a fallback to EVAL after a Redis restart emptied the cache. */
export interface LuaScript {
  readonly lua: string;
  readonly sha: string;
}

function script(lua: string): LuaScript {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

// Every number crosses the boundary as a string: a Lua number returned to Redis becomes an integer reply
// (fractions cut), and timestamps must round-trip exactly. Windows are hashes with the fields inFlight, settled,
// confirmed, foreign, observed (as in MemoryRateStore) plus limitKey, start and end for getState; a sorted set
// indexes them by end. No script reads Redis's own clock: windows come from the caller's server-clock times and
// TTLs are durations computed from them.

// Creates the window hash on first use: identity fields, a TTL of (end − at + keep), and an entry in the index,
// which is the moment to drop index entries of windows that ended long ago.
const TOUCH = `
local function touch(index, key, limitKey, start, wend, at, keep)
  if redis.call('HSETNX', key, 'end', wend) == 1 then
    redis.call('HSET', key, 'limitKey', limitKey, 'start', start)
    local ttl = math.ceil(tonumber(wend) - at + keep)
    if ttl < 1 then ttl = 1 end
    redis.call('PEXPIRE', key, ttl)
    redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. tostring(at - keep))
    redis.call('ZADD', index, wend, key)
    if redis.call('PTTL', index) < ttl then redis.call('PEXPIRE', index, ttl) end
  end
end
`;

/**
 * KEYS: ban, pause, index, then one window hash per charge.
 * ARGV: at, keepMs, then per charge: limitKey, start, end, amount, capacity.
 * Returns {'ban', until} | {'pause', until} | {'limit', end, index, used} | {'ok', confirmed...}.
 */
export const RESERVE = script(`${TOUCH}
local at = tonumber(ARGV[1])
local keep = tonumber(ARGV[2])
local ban = redis.call('GET', KEYS[1])
if ban and at < tonumber(ban) then return {'ban', ban} end
local pause = redis.call('GET', KEYS[2])
if pause and at < tonumber(pause) then return {'pause', pause} end
local n = #KEYS - 3
local failed = 0
local failedEnd = 0
local failedUsed = 0
for i = 1, n do
  local a = 3 + (i - 1) * 5
  local wend = tonumber(ARGV[a + 2])
  local h = redis.call('HMGET', KEYS[3 + i], 'inFlight', 'settled', 'foreign')
  local used = (tonumber(h[1]) or 0) + (tonumber(h[2]) or 0) + (tonumber(h[3]) or 0)
  -- When several windows are full, the one that ends last decides how long the request waits.
  if used + tonumber(ARGV[a + 3]) > tonumber(ARGV[a + 4]) and (failed == 0 or wend > failedEnd) then
    failed = i
    failedEnd = wend
    failedUsed = used
  end
end
if failed > 0 then
  return {'limit', ARGV[3 + (failed - 1) * 5 + 2], tostring(failed - 1), tostring(failedUsed)}
end
local out = {'ok'}
for i = 1, n do
  local a = 3 + (i - 1) * 5
  local key = KEYS[3 + i]
  touch(KEYS[3], key, ARGV[a], ARGV[a + 1], ARGV[a + 2], at, keep)
  redis.call('HINCRBYFLOAT', key, 'inFlight', ARGV[a + 3])
  out[#out + 1] = redis.call('HGET', key, 'confirmed') or '0'
end
return out
`);

/**
 * KEYS: one window hash per charge.
 * ARGV per charge: amount, counted, certain ('1' | '0'), serverCount ('' when none), confirmedAtReserve.
 */
export const SETTLE = script(`
for i = 1, #KEYS do
  local a = (i - 1) * 5
  local key = KEYS[i]
  if redis.call('EXISTS', key) == 1 then
    local counted = tonumber(ARGV[a + 2])
    local h = redis.call('HMGET', key, 'inFlight', 'observed', 'foreign')
    local inFlight = (tonumber(h[1]) or 0) - tonumber(ARGV[a + 1])
    if inFlight < 0 then inFlight = 0 end
    redis.call('HSET', key, 'inFlight', tostring(inFlight))
    if counted ~= 0 then
      redis.call('HINCRBYFLOAT', key, 'settled', ARGV[a + 2])
      if ARGV[a + 3] == '1' then redis.call('HINCRBYFLOAT', key, 'confirmed', ARGV[a + 2]) end
    end
    if ARGV[a + 4] ~= '' then
      local count = tonumber(ARGV[a + 4])
      local observed = tonumber(h[2]) or -1
      -- Within a window the server's count only grows: the highest is the newest report.
      if count >= observed then
        local foreign = count - counted - tonumber(ARGV[a + 5])
        if foreign < 0 then foreign = 0 end
        if count == observed then foreign = math.max(tonumber(h[3]) or 0, foreign) end
        redis.call('HSET', key, 'foreign', tostring(foreign), 'observed', ARGV[a + 4])
      end
    end
  end
end
return 0
`);

/** KEYS: one window hash per charge. ARGV: the amount of each. */
export const RELEASE = script(`
for i = 1, #KEYS do
  local key = KEYS[i]
  if redis.call('EXISTS', key) == 1 then
    local inFlight = (tonumber(redis.call('HGET', key, 'inFlight')) or 0) - tonumber(ARGV[i])
    if inFlight < 0 then inFlight = 0 end
    redis.call('HSET', key, 'inFlight', tostring(inFlight))
  end
end
return 0
`);

/** KEYS: the pause or ban key. ARGV: until (server ms), ttl (ms). Only ever extends. */
export const EXTEND = script(`
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

/**
 * KEYS: ban, pause, index. ARGV: at.
 * Returns {ban, pause, then per live window: limitKey, start, end, inFlight, settled, foreign}.
 */
export const STATE = script(`
local out = {redis.call('GET', KEYS[1]) or '0', redis.call('GET', KEYS[2]) or '0'}
local keys = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. ARGV[1], '+inf')
for _, key in ipairs(keys) do
  local h = redis.call('HMGET', key, 'limitKey', 'start', 'end', 'inFlight', 'settled', 'foreign')
  if h[1] then
    for j = 1, 6 do out[#out + 1] = h[j] or '0' end
  end
end
return out
`);

/**
 * Adds usage counted elsewhere (in the in-memory fallback while Redis was away) to the shared windows.
 * KEYS: index, then one window hash per entry. ARGV: at, keepMs, then per entry: limitKey, start, end, amount.
 */
export const MERGE = script(`${TOUCH}
local at = tonumber(ARGV[1])
local keep = tonumber(ARGV[2])
for i = 1, #KEYS - 1 do
  local a = 3 + (i - 1) * 4
  touch(KEYS[1], KEYS[1 + i], ARGV[a], ARGV[a + 1], ARGV[a + 2], at, keep)
  redis.call('HINCRBYFLOAT', KEYS[1 + i], 'settled', ARGV[a + 3])
end
return 0
`);
