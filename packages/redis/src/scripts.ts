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
// confirmed, foreign, observed, reported, late, straddling (as in MemoryRateStore) plus limitKey, start and end for
// getState; a sorted set indexes them by end. No script asks Redis the time: windows come from the caller's
// server-clock times and TTLs are durations computed from them.
//
// A pause or ban is a key that lasts exactly as long as it does: its TTL, which Redis counts down, is the time left,
// and every process reads that alike, whether its clock is the exchange's (synced) or the host's (not yet). An end
// in ms would mean another time on each of those clocks. The value, the end by the writer's host clock, is for
// people reading Redis.
//
// Every value read back is treated as untrusted: another program, a manual SET or a bad restore may have put
// anything in any key. Each script returns {repaired, result}: `repaired` lists the keys it found holding garbage
// and deleted or cut (so the store can report them), and the result never carries a non-finite number. A garbage
// key is repaired where it is read, once — never an error, which would send the store to its fallback and back.

const SAFE = `
local repaired = {}
local function fix(key, problem)
  repaired[#repaired + 1] = key
  repaired[#repaired + 1] = problem
end
local function num(v)
  local n = tonumber(v)
  if n == nil or n ~= n or n == math.huge or n == -math.huge then return nil end
  return n
end
local function shown(v)
  return string.sub(tostring(v), 1, 40)
end
-- A key of another type than expected would make every command on it fail: delete it.
local function ensureType(key, want)
  local t = redis.call('TYPE', key)['ok']
  if t ~= 'none' and t ~= want then
    redis.call('DEL', key)
    fix(key, 'was a ' .. t .. ', not a ' .. want)
    return false
  end
  return t == want
end
-- A hash field holding a number (a count is at least 0 and at most 1e12). Garbage is dropped, so the field reads
-- as absent; a number Redis itself would not parse (' 12 ', '0x10') is rewritten plainly.
local function field(key, name, absent, isCount)
  local v = redis.call('HGET', key, name)
  if not v then return absent end
  local n = num(v)
  if n == nil or (isCount and (n < 0 or n > 1e12)) then
    redis.call('HDEL', key, name)
    fix(key, name .. ' held ' .. shown(v))
    return absent
  end
  if not string.match(v, '^%-?%d+%.?%d*$') then
    redis.call('HSET', key, name, tostring(n))
    fix(key, name .. ' held ' .. shown(v) .. ', rewritten as ' .. tostring(n))
  end
  return n
end
-- A window's usage as the store counts it (see RateStore): inFlight + settled + foreign.
local function usedOf(key)
  return field(key, 'inFlight', 0, true) + field(key, 'settled', 0, true) + field(key, 'foreign', 0, true)
end
-- A pause or ban: the ms it has left, its key's TTL. A key that never expires is garbage (the store always sets a
-- TTL) and deleted; more than maxWait (Binance's longest ban) is cut to it.
local function readLeft(key, maxWait)
  if not ensureType(key, 'string') then return 0 end
  local left = redis.call('PTTL', key)
  if left == -1 then
    redis.call('DEL', key)
    fix(key, 'never expired')
    return 0
  end
  if left > maxWait then
    redis.call('PEXPIRE', key, maxWait)
    fix(key, string.format('had %.0f ms left, cut to %.0f', left, maxWait))
    return maxWait
  end
  return math.max(left, 0)
end
`;

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

// Takes a charge's amount out of its window's inFlight (and straddling, when it straddles), as it was reserved:
// answered, or never sent. Neither goes below 0.
const TAKE_IN_FLIGHT = `
local function takeInFlight(key, amount, straddles)
  local inFlight = field(key, 'inFlight', 0, true) - tonumber(amount)
  redis.call('HSET', key, 'inFlight', tostring(math.max(inFlight, 0)))
  if straddles == '1' then
    local straddling = field(key, 'straddling', 0, true) - tonumber(amount)
    redis.call('HSET', key, 'straddling', tostring(math.max(straddling, 0)))
  end
end
`;

/**
 * KEYS: ban, pause, index, then one window hash per charge, then per charge the hash of the window before it (whose
 * requests not yet answered and not charged to the charge's window too, `inFlight − straddling`, or answered after
 * its end, `late`, may land in the charge's: see RateStore).
 * ARGV: at, keepMs, maxWaitMs, then per charge: limitKey, start, end, amount, capacity, straddles ('1' | '0').
 * Result: {'ban', ms left} | {'pause', ms left} | {'limit', end, index, load} | {'ok', confirmed...}.
 */
export const RESERVE = script(`${SAFE}${TOUCH}
local at = tonumber(ARGV[1])
local keep = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
ensureType(KEYS[3], 'zset')
local ban = readLeft(KEYS[1], maxWait)
if ban > 0 then return {repaired, {'ban', tostring(ban)}} end
local pause = readLeft(KEYS[2], maxWait)
if pause > 0 then return {repaired, {'pause', tostring(pause)}} end
local n = (#KEYS - 3) / 2
local failed = 0
local failedEnd = 0
local failedUsed = 0
for i = 1, n do
  local a = 4 + (i - 1) * 6
  local key = KEYS[3 + i]
  local wend = tonumber(ARGV[a + 2])
  local used = 0
  if ensureType(key, 'hash') then
    used = usedOf(key)
    field(key, 'confirmed', 0, true)
    field(key, 'start', nil, false)
    field(key, 'end', nil, false)
  end
  local previous = KEYS[3 + n + i]
  if ensureType(previous, 'hash') then
    local carried = field(previous, 'inFlight', 0, true) - field(previous, 'straddling', 0, true)
    used = used + math.max(carried, 0) + field(previous, 'late', 0, true)
  end
  -- When several windows are full, the one that ends last decides how long the request waits.
  local amount = tonumber(ARGV[a + 3])
  if amount > 0 and used + amount > tonumber(ARGV[a + 4]) and (failed == 0 or wend > failedEnd) then
    failed = i
    failedEnd = wend
    failedUsed = used
  end
end
if failed > 0 then
  return {repaired, {'limit', ARGV[4 + (failed - 1) * 6 + 2], tostring(failed - 1), tostring(failedUsed)}}
end
local out = {'ok'}
for i = 1, n do
  local a = 4 + (i - 1) * 6
  local key = KEYS[3 + i]
  touch(KEYS[3], key, ARGV[a], ARGV[a + 1], ARGV[a + 2], at, keep)
  redis.call('HINCRBYFLOAT', key, 'inFlight', ARGV[a + 3])
  if ARGV[a + 5] == '1' then redis.call('HINCRBYFLOAT', key, 'straddling', ARGV[a + 3]) end
  out[#out + 1] = redis.call('HGET', key, 'confirmed') or '0'
end
return {repaired, out}
`);

/**
 * KEYS: one window hash per charge.
 * ARGV per charge: amount, counted, certain ('1' | '0'), serverCount ('' when none), confirmedAtReserve, late ('1' |
 * '0'), straddles ('1' | '0').
 */
export const SETTLE = script(`${SAFE}${TAKE_IN_FLIGHT}
for i = 1, #KEYS do
  local a = (i - 1) * 7
  local key = KEYS[i]
  if ensureType(key, 'hash') then
    local counted = tonumber(ARGV[a + 2])
    takeInFlight(key, ARGV[a + 1], ARGV[a + 7])
    local observed = field(key, 'observed', -1, true)
    local previousForeign = field(key, 'foreign', 0, true)
    local reported = field(key, 'reported', 0, true)
    field(key, 'settled', 0, true)
    field(key, 'confirmed', 0, true)
    field(key, 'late', 0, true)
    if counted ~= 0 then
      redis.call('HINCRBYFLOAT', key, 'settled', ARGV[a + 2])
      if ARGV[a + 3] == '1' then redis.call('HINCRBYFLOAT', key, 'confirmed', ARGV[a + 2]) end
      if ARGV[a + 6] == '1' then redis.call('HINCRBYFLOAT', key, 'late', ARGV[a + 2]) end
    end
    if ARGV[a + 4] ~= '' then
      local count = tonumber(ARGV[a + 4])
      -- Within a window the server's count only grows: the highest is the newest report, and holds every request
      -- that reported before it. An older one's request is inside the newest, taken there for someone else's.
      local foreign
      if count > observed then
        foreign = count - counted - math.max(reported, tonumber(ARGV[a + 5]))
        redis.call('HSET', key, 'observed', ARGV[a + 4])
      else
        foreign = previousForeign - counted
      end
      if foreign < 0 then foreign = 0 end
      redis.call('HSET', key, 'foreign', tostring(foreign), 'reported', tostring(reported + counted))
    end
  end
end
return {repaired, 0}
`);

/** KEYS: one window hash per charge. ARGV per charge: amount, straddles ('1' | '0'). */
export const RELEASE = script(`${SAFE}${TAKE_IN_FLIGHT}
for i = 1, #KEYS do
  local key = KEYS[i]
  if ensureType(key, 'hash') then takeInFlight(key, ARGV[2 * i - 1], ARGV[2 * i]) end
end
return {repaired, 0}
`);

/**
 * KEYS: the pause or ban key. ARGV: ms left (an integer, at most maxWaitMs), the end by the writer's host clock,
 * maxWaitMs. Only ever extends; garbage is overwritten.
 */
export const EXTEND = script(`${SAFE}
if readLeft(KEYS[1], tonumber(ARGV[3])) >= tonumber(ARGV[1]) then return {repaired, 0} end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1])
return {repaired, 1}
`);

/**
 * KEYS: ban, pause, index. ARGV: at, maxWaitMs.
 * Result: {ban's ms left, pause's ms left, then per live window: limitKey, start, end, inFlight, settled, foreign}.
 */
export const STATE = script(`${SAFE}
local maxWait = tonumber(ARGV[2])
local out = {tostring(readLeft(KEYS[1], maxWait)), tostring(readLeft(KEYS[2], maxWait))}
if not ensureType(KEYS[3], 'zset') then return {repaired, out} end
local keys = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. ARGV[1], '+inf')
for _, key in ipairs(keys) do
  if ensureType(key, 'hash') then
    local limitKey = redis.call('HGET', key, 'limitKey')
    local start = field(key, 'start', nil, false)
    local wend = field(key, 'end', nil, false)
    if limitKey and start and wend then
      out[#out + 1] = limitKey
      out[#out + 1] = tostring(start)
      out[#out + 1] = tostring(wend)
      out[#out + 1] = tostring(field(key, 'inFlight', 0, true))
      out[#out + 1] = tostring(field(key, 'settled', 0, true))
      out[#out + 1] = tostring(field(key, 'foreign', 0, true))
    end
  else
    redis.call('ZREM', KEYS[3], key)
  end
end
return {repaired, out}
`);

/**
 * Adds usage counted elsewhere (in the in-memory fallback while Redis was away) to the shared windows, and raises a
 * window's usage to at least `floor`, what the caller knows it held (a Redis that restarted empty lost it).
 * KEYS: index, then one window hash per entry. ARGV: at, keepMs, then per entry: limitKey, start, end, amount, floor.
 */
export const MERGE = script(`${SAFE}${TOUCH}
local at = tonumber(ARGV[1])
local keep = tonumber(ARGV[2])
ensureType(KEYS[1], 'zset')
for i = 1, #KEYS - 1 do
  local a = 3 + (i - 1) * 5
  local key = KEYS[1 + i]
  local used = 0
  if ensureType(key, 'hash') then
    used = usedOf(key)
    field(key, 'reported', 0, true)
  end
  touch(KEYS[1], key, ARGV[a], ARGV[a + 1], ARGV[a + 2], at, keep)
  local amount = tonumber(ARGV[a + 3])
  if amount ~= 0 then
    redis.call('HINCRBYFLOAT', key, 'settled', ARGV[a + 3])
    -- Sent before any count to come, which holds it: not someone else's (see SETTLE).
    redis.call('HINCRBYFLOAT', key, 'reported', ARGV[a + 3])
  end
  -- Counted as others' usage, as a server's header is: the next count replaces it.
  local short = tonumber(ARGV[a + 4]) - used - amount
  if short > 0 then redis.call('HINCRBYFLOAT', key, 'foreign', tostring(short)) end
end
return {repaired, 0}
`);
