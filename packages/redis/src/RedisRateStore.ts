import {
  BinanceThrottleError,
  Listeners,
  MAX_SERVER_WAIT_MS,
  MAX_TIMER_MS,
  MemoryRateStore,
  type RateStore,
  type RateStoreState,
  type ReserveResult,
  redactText,
  type SettledCharge,
  steadyNow,
  type WindowCharge,
  type WindowState,
} from '@binance-errors/core';
import { type Cluster, Redis, type RedisOptions } from 'ioredis';
import { EXTEND, type LuaScript, MERGE, RELEASE, RESERVE, SETTLE, STATE } from './scripts.ts';

/** What the store does while Redis cannot be reached. */
export type UnavailablePolicy = 'memory' | 'fail-closed';

/** Options of {@link RedisRateStore}. Bad values throw a TypeError/RangeError naming the option. */
export interface RedisRateStoreOptions {
  /**
   * Your ioredis client (a `Redis` or a `Cluster`; the store leaves it open on `close()`), or a `redis://` URL or
   * `RedisOptions` for a client the store creates, owns and closes. An owned client fails commands at once while
   * disconnected (no offline queue) and reconnects every ≤ 1 s. A client with `lazyConnect: true` is connected on
   * the store's first call. A URL that does not parse throws a TypeError that shows no part of it: percent-encode
   * the password (`encodeURIComponent`).
   */
  redis: Redis | Cluster | string | RedisOptions;
  /**
   * Namespace of every key. Give processes that share one IP the same prefix, and other IPs other prefixes.
   * Keys look like `{binance-errors}:w:REQUEST_WEIGHT:1MINUTE:1767225600000`; the braces keep every key of one
   * store in one Redis Cluster slot. @default 'binance-errors'
   */
  prefix?: string | undefined;
  /**
   * While Redis is unreachable: `'memory'` keeps sending on an in-memory budget of this process, which starts from
   * what the process last knew of the current windows (and emits `onFallback`); `'fail-closed'` refuses every
   * request with `BinanceThrottleError` (nothing sent) until Redis answers again. Either way the store goes back to Redis by itself when it does. @default 'memory'
   */
  whenUnavailable?: UnavailablePolicy | undefined;
  /**
   * Fraction of each limit this process may use from the in-memory budget while Redis is away, in (0, 1]. With N
   * processes behind the IP, `1 / N` keeps them under the limit together; the servers' usage headers still
   * correct each process's estimate. @default 1
   */
  fallbackShare?: number | undefined;
  /** A Redis call that takes longer than this, in ms, counts as Redis being unreachable. @default 1000 */
  commandTimeoutMs?: number | undefined;
  /**
   * While falling back with a connection that still looks up (a hung server), how often to try Redis again, in
   * ms. A reconnect is noticed at once. @default 1000
   */
  retryIntervalMs?: number | undefined;
  /**
   * How long a window's keys outlive it, in ms (late settles, clock steps). A pause's or ban's key lasts as long as
   * it does. @default 60_000
   */
  keepMs?: number | undefined;
  /**
   * This machine's clock, in ms; used for retry timing, and to measure how long a pause or ban has left: a clock that
   * steps of the wall clock do not move, or a step back while Redis is away would be written back as a pause that
   * long for every process. @default steadyNow (core's)
   */
  now?: (() => number) | undefined;
}

/** Emitted when Redis stops answering (`onFallback`). */
export interface RedisFallbackEvent {
  policy: UnavailablePolicy;
  /** What failed, e.g. `connect ECONNREFUSED 127.0.0.1:6379` or `Redis did not answer within 1000 ms`. */
  reason: string;
}

/**
 * Emitted when a key held something the store cannot use (`onCorruptKey`): another type, a value that is not a
 * finite number, a ban or pause past Binance's longest ban. The store has already repaired it — deleted it, or cut
 * the time to the longest ban — and carries on with Redis; it does not fall back.
 */
export interface RedisCorruptKeyEvent {
  key: string;
  /** What was wrong and what was done, e.g. `held 1e999` or `was a hash, not a string`. */
  problem: string;
}

/** Emitted when the store is back on Redis (`onRecover`). */
export interface RedisRecoverEvent {
  /** How long the store ran without Redis, in ms. */
  downMs: number;
}

/** `'redis'` while Redis answers; `'memory'` or `'fail-closed'` (the policy in force) while it does not. */
export type RedisRateStoreStatus = 'redis' | UnavailablePolicy;

type Client = Redis | Cluster;

const DEFAULT_PREFIX = 'binance-errors';

/**
 * A {@link RateStore} in Redis, so that many processes behind one IP share one weight budget, one 429 pause and
 * one 418 ban. Each method is one Lua script, so reservations are atomic across processes; windows are the
 * limiter's server-clock windows, and every key expires on its own.
 *
 * @example
 * ```ts
 * import { BinanceGuard } from '@binance-errors/core';
 * import { RedisRateStore } from '@binance-errors/redis';
 *
 * const store = new RedisRateStore({ redis: 'redis://127.0.0.1:6379' });
 * store.onFallback((e) => console.warn('rate budget in memory until Redis returns:', e.reason));
 * const guard = new BinanceGuard('https://api.binance.com', { throttle: { store } });
 * axios.interceptors.request.use(binanceErrors({ apiKey, apiSecret, guard }));
 * ```
 */
export class RedisRateStore implements RateStore {
  /** The key prefix in braces, e.g. `{binance-errors}`. */
  readonly namespace: string;
  readonly whenUnavailable: UnavailablePolicy;
  private readonly client: Client;
  private readonly owned: boolean;
  private readonly share: number;
  private readonly timeoutMs: number;
  private readonly retryMs: number;
  private readonly keepMs: number;
  private readonly now: () => number;
  private readonly keys: { ban: string; pause: string; index: string };

  private up = true;
  private everReady: boolean;
  private downSince = 0;
  private nextTryAt = 0;
  private recovering: Promise<void> | undefined;
  // Set while a recovery writes the fallback's windows into Redis (after its probe answered): calls wait for it.
  private merging: Promise<boolean> | undefined;
  private connecting: Promise<boolean> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  // The in-memory budget while Redis is away; a fresh one for each outage.
  private memory: MemoryRateStore | undefined;
  // Which memory store a charge was reserved in: its settle or release must go back there, even after recovery.
  private readonly reservedIn = new WeakMap<object, MemoryRateStore>();
  // Pause and ban ends as this process last knew them, by this machine's clock (`now`), replayed into the fallback
  // and back into Redis.
  private readonly ends = { pause: 0, ban: 0 };
  // The latest server time a caller asked about: which fallback windows are still live at recovery.
  private lastAt = Number.NEGATIVE_INFINITY;
  // What this process last knew of each live window: its own net reservations, and the highest usage it saw
  // (a server's header, Redis's count). A fallback starts from it rather than from nothing.
  private readonly known = new Map<string, KnownWindow>();

  private readonly fallbackListeners = new Listeners<RedisFallbackEvent>();
  private readonly recoverListeners = new Listeners<RedisRecoverEvent>();
  private readonly corruptListeners = new Listeners<RedisCorruptKeyEvent>();
  private readonly onReady = () => {
    this.everReady = true;
    if (!this.up) void this.recover();
  };
  // A connection that was up and closed (a restart, a dropped link): Redis may come back empty, so the store counts
  // it as away now, and its reconnect (`ready`) is a recovery that writes the pauses and bans it knows again.
  private readonly onClose = () => {
    if (this.everReady && this.up && !this.closed) this.down('Redis connection closed');
  };
  private readonly onError = () => {
    // An owned client's connection errors surface as fallbacks. Without a listener ioredis prints them as unhandled,
    // or throws them (a reply it cannot parse), so it stays attached after close().
  };

  constructor(options: RedisRateStoreOptions) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`RedisRateStore options must be an object, got ${show(options)}`);
    }
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    if (typeof prefix !== 'string' || prefix === '' || /[{}]/.test(prefix)) {
      throw new TypeError(`prefix must be a non-empty string without braces, got ${show(prefix)}`);
    }
    this.namespace = `{${prefix}}`;
    this.keys = { ban: `${this.namespace}:ban`, pause: `${this.namespace}:pause`, index: `${this.namespace}:windows` };
    const policy = options.whenUnavailable ?? 'memory';
    if (policy !== 'memory' && policy !== 'fail-closed') {
      throw new TypeError(`whenUnavailable must be 'memory' or 'fail-closed', got ${show(policy)}`);
    }
    this.whenUnavailable = policy;
    this.share = options.fallbackShare ?? 1;
    if (typeof this.share !== 'number' || !(this.share > 0 && this.share <= 1)) {
      throw new RangeError(`fallbackShare must be a number in (0, 1], got ${show(options.fallbackShare)}`);
    }
    this.timeoutMs = delay(options.commandTimeoutMs, 'commandTimeoutMs', 1000);
    this.retryMs = delay(options.retryIntervalMs, 'retryIntervalMs', 1000);
    this.keepMs = positive(options.keepMs, 'keepMs', 60_000);
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new TypeError(`now must be a function returning ms, got ${show(options.now)}`);
    }
    this.now = options.now ?? steadyNow;
    const redis = options.redis;
    if (isClient(redis)) {
      this.client = redis;
      this.owned = false;
    } else if (typeof redis === 'string' || (redis !== null && typeof redis === 'object')) {
      const own: RedisOptions = {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        autoResendUnfulfilledCommands: false,
        retryStrategy: (times) => Math.min(times * 100, 1000),
      };
      // ioredis 6 types `replyMapping` without `| undefined`; the store never sets it.
      const merged = (typeof redis === 'string' ? own : { ...own, ...redis }) as Omit<RedisOptions, 'replyMapping'>;
      if (typeof redis === 'string') {
        try {
          this.client = new Redis(redis, merged);
        } catch {
          // Node's ERR_INVALID_URL carries the whole URL, password included, in `input`: neither it nor any part
          // of the URL goes into this error.
          throw new TypeError(
            'redis is not a valid redis:// URL (not shown: it may hold a password). Percent-encode the password ' +
              "if it has characters such as '/', '#', '?', '@' or '%' (encodeURIComponent), or pass RedisOptions.",
          );
        }
      } else {
        this.client = new Redis(merged);
      }
      this.owned = true;
      this.client.on('error', this.onError);
    } else {
      throw new TypeError(`redis must be an ioredis client, a redis:// URL or RedisOptions, got ${show(redis)}`);
    }
    this.everReady = this.client.status === 'ready';
    this.client.on('ready', this.onReady);
    this.client.on('close', this.onClose);
  }

  /** Where the budget lives now: `'redis'`, or the policy in force while Redis is away. */
  get status(): RedisRateStoreStatus {
    return this.up ? 'redis' : this.whenUnavailable;
  }

  async reserve(at: number, charges: readonly WindowCharge[]): Promise<ReserveResult> {
    if (at > this.lastAt) this.lastAt = at;
    const askedAt = this.now();
    const keys = [this.keys.ban, this.keys.pause, this.keys.index];
    const args: Array<string | number> = [at, this.keepMs, MAX_SERVER_WAIT_MS];
    for (const c of charges) {
      keys.push(this.windowKey(c));
      args.push(c.limitKey, c.start, c.end, c.amount, c.capacity, c.straddles === true ? '1' : '0');
    }
    for (const c of charges) keys.push(this.windowKey({ limitKey: c.limitKey, start: c.start - (c.end - c.start) }));
    let reply = await this.call(RESERVE, keys, args);
    // A recovery may have started writing the fallback into Redis since: what is counted in memory now would be
    // lost to Redis, so wait for it, and go to Redis if it succeeded.
    for (let i = 0; !reply.ok && (this.merging !== undefined || this.up) && i < 3; i++) {
      if (this.merging !== undefined) await this.merging;
      if (this.up) reply = await this.call(RESERVE, keys, args);
    }
    if (reply.ok) {
      const r = reply.value as string[];
      if (r[0] === 'ok') {
        this.noteReserved(charges);
        return { ok: true, confirmed: r.slice(1).map(finite) };
      }
      if (r[0] === 'limit') {
        const index = finite(r[2]);
        const used = finite(r[3]);
        const c = charges[index];
        if (c !== undefined) this.noteSeen(c, used);
        return { ok: false, reason: 'limit', until: finite(r[1]), index, used };
      }
      const reason = r[0] === 'ban' ? 'ban' : 'pause';
      return { ok: false, reason, until: this.untilOf(reason, finite(r[1]), at, askedAt) };
    }
    if (this.whenUnavailable === 'fail-closed') throw this.unavailableError(reply.reason);
    // From here to the reservation nothing yields: a recovery cannot start its merge in between.
    const memory = this.fallback(at);
    const scaled =
      this.share === 1 ? charges : charges.map((c) => ({ ...c, capacity: Math.floor(c.capacity * this.share) }));
    const result = await memory.reserve(at, scaled);
    if (result.ok) {
      for (const c of charges) this.reservedIn.set(c, memory);
      this.noteReserved(charges);
    }
    return result;
  }

  async settle(charges: readonly SettledCharge[]): Promise<void> {
    for (const c of charges) {
      this.noteOwn(c, c.counted - c.amount);
      if (c.serverCount !== undefined) this.noteSeen(c, c.serverCount);
    }
    const shared = await this.settleLocal(charges, (m, cs) => m.settle(cs));
    if (shared.length === 0) return;
    const args: Array<string | number> = [];
    for (const c of shared) {
      args.push(
        c.amount,
        c.counted,
        c.certain ? '1' : '0',
        c.serverCount ?? '',
        c.confirmedAtReserve,
        c.late ? '1' : '0',
        c.straddles === true ? '1' : '0',
      );
    }
    // A reservation made in Redis that cannot be settled there stays in flight until its window expires:
    // the shared budget errs on the safe side, and the request's own outcome is not affected.
    await this.call(
      SETTLE,
      shared.map((c) => this.windowKey(c)),
      args,
    );
  }

  async release(charges: readonly WindowCharge[]): Promise<void> {
    for (const c of charges) this.noteOwn(c, -c.amount);
    const shared = await this.settleLocal(charges, (m, cs) => m.release(cs));
    if (shared.length === 0) return;
    await this.call(
      RELEASE,
      shared.map((c) => this.windowKey(c)),
      shared.flatMap((c) => [c.amount, c.straddles === true ? '1' : '0']),
    );
  }

  async setPause(until: number, at: number): Promise<void> {
    await this.memory?.setPause(until);
    await this.extend('pause', until - at);
  }

  async setBan(until: number, at: number): Promise<void> {
    await this.memory?.setBan(until);
    await this.extend('ban', until - at);
  }

  async getState(at: number): Promise<RateStoreState> {
    if (at > this.lastAt) this.lastAt = at;
    const askedAt = this.now();
    const reply = await this.call(STATE, [this.keys.ban, this.keys.pause, this.keys.index], [at, MAX_SERVER_WAIT_MS]);
    if (!reply.ok) {
      if (this.whenUnavailable === 'fail-closed') throw this.unavailableError(reply.reason);
      return this.fallback(at).getState(at);
    }
    const r = reply.value as string[];
    const windows: WindowState[] = [];
    for (let i = 2; i + 5 < r.length; i += 6) {
      const inFlight = finite(r[i + 3]);
      const settled = finite(r[i + 4]);
      const foreign = finite(r[i + 5]);
      const w = {
        limitKey: r[i]!,
        start: finite(r[i + 1]),
        end: finite(r[i + 2]),
        used: inFlight + settled + foreign,
        inFlight,
        settled,
        foreign,
      };
      windows.push(w);
      this.noteSeen(w, w.used);
    }
    windows.sort((a, b) => (a.limitKey < b.limitKey ? -1 : a.limitKey > b.limitKey ? 1 : a.start - b.start));
    const bannedUntil = this.untilOf('ban', finite(r[0]), at, askedAt);
    const pausedUntil = this.untilOf('pause', finite(r[1]), at, askedAt);
    return { pausedUntil, bannedUntil, windows };
  }

  /** Calls `listener` when Redis stops answering. Returns the unsubscribe function. */
  onFallback(listener: (event: RedisFallbackEvent) => void): () => void {
    return this.fallbackListeners.on(listener);
  }

  /** Calls `listener` when a key held garbage, which the store has repaired. Returns the unsubscribe function. */
  onCorruptKey(listener: (event: RedisCorruptKeyEvent) => void): () => void {
    return this.corruptListeners.on(listener);
  }

  /** Calls `listener` when the store is back on Redis. Returns the unsubscribe function. */
  onRecover(listener: (event: RedisRecoverEvent) => void): () => void {
    return this.recoverListeners.on(listener);
  }

  /**
   * Stops listening to the client, and closes it if the store created it: `QUIT`, or after `commandTimeoutMs`
   * without an answer (a hung server), the socket is dropped.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.client.off('ready', this.onReady);
    this.client.off('close', this.onClose);
    if (!this.owned) return;
    // QUIT waits for the server's reply: on a hung server, no longer than any other call, then drop the socket.
    // The error listener stays: a connection still being made fails after disconnect() (a TLS handshake with a
    // server that speaks no TLS), and a reply can still come in after QUIT.
    if (this.client.status === 'ready') {
      try {
        await this.timed(this.client.quit());
      } catch {
        this.client.disconnect();
      }
    } else {
      this.client.disconnect();
    }
  }

  /** Only the public shape: the client may hold a password. */
  toJSON(): { namespace: string; whenUnavailable: UnavailablePolicy; status: RedisRateStoreStatus } {
    return { namespace: this.namespace, whenUnavailable: this.whenUnavailable, status: this.status };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): ReturnType<RedisRateStore['toJSON']> {
    return this.toJSON();
  }

  // --- internals -------------------------------------------------------------------------------------------

  private windowKey(c: { limitKey: string; start: number }): string {
    return `${this.namespace}:w:${c.limitKey}:${c.start}`;
  }

  /**
   * Extends the pause or ban to `left` ms from now (cut to the longest ban), in Redis and in what this process
   * knows. Redis keeps it as its key's TTL, which means the same to every process, whatever clock it reads.
   */
  private async extend(which: 'pause' | 'ban', left: number): Promise<void> {
    const ms = Math.ceil(Math.min(left, MAX_SERVER_WAIT_MS));
    if (!(ms > 0)) return;
    const end = this.now() + ms;
    this.ends[which] = Math.max(this.ends[which], end);
    await this.call(EXTEND, [this.keys[which]], [ms, end, MAX_SERVER_WAIT_MS]);
  }

  /**
   * The end, on the caller's clock, of a pause or ban that Redis said has `left` ms (0: none) when asked at `at`
   * (`askedAt` by this machine's clock), remembered for a fallback. The answer's round trip is added: the end is
   * never before Redis's key expires.
   */
  private untilOf(which: 'pause' | 'ban', left: number, at: number, askedAt: number): number {
    if (!(left > 0)) return 0;
    const now = this.now();
    this.ends[which] = Math.max(this.ends[which], now + left);
    return at + Math.max(0, now - askedAt) + left;
  }

  /** Settles or releases the charges reserved in a fallback store there; returns those that belong to Redis. */
  private async settleLocal<C extends WindowCharge>(
    charges: readonly C[],
    apply: (memory: MemoryRateStore, charges: C[]) => Promise<void>,
  ): Promise<C[]> {
    const shared: C[] = [];
    const local = new Map<MemoryRateStore, C[]>();
    for (const c of charges) {
      const memory = this.reservedIn.get(c);
      if (memory === undefined) shared.push(c);
      else {
        const list = local.get(memory);
        if (list === undefined) local.set(memory, [c]);
        else list.push(c);
      }
    }
    for (const [memory, list] of local) await apply(memory, list);
    return shared;
  }

  /** Runs a script on Redis, or says why it could not; never throws. */
  private async call(
    s: LuaScript,
    keys: string[],
    args: Array<string | number>,
  ): Promise<{ ok: true; value: unknown } | { ok: false; reason: string }> {
    if (this.closed) return { ok: false, reason: 'the store is closed' };
    // A client made with `lazyConnect: true` connects on its first command, and the store sends none until the
    // client is ready: connect it (a failed attempt is retried by the client's retryStrategy).
    if (this.client.status === 'wait') this.client.connect().catch(() => undefined);
    if (!this.up) {
      if (this.recovering === undefined && this.client.status === 'ready' && this.now() >= this.nextTryAt) {
        void this.recover();
      }
      // A recovery's probe (PING) may take commandTimeoutMs on a hung server: calls go on with the fallback
      // meanwhile. Once it answered, nothing is counted in memory while the recovery copies the in-memory windows
      // into Redis (it would be lost): calls wait for that copy, which is quick on a server that just answered.
      if (this.merging !== undefined) await this.merging;
      if (!this.up) {
        return {
          ok: false,
          reason: `Redis is ${this.client.status === 'ready' ? 'not answering' : this.client.status}`,
        };
      }
    }
    if (this.client.status !== 'ready') {
      // At start-up, wait for the first connection rather than fall back before it had a chance.
      if (this.everReady || !(await this.firstReady())) return this.down(`Redis connection is ${this.client.status}`);
    }
    try {
      return { ok: true, value: await this.eval(s, keys, args) };
    } catch (error) {
      return this.down(reasonOf(error));
    }
  }

  /** Runs a script; reports the keys it repaired and resolves with its result. */
  private async eval(s: LuaScript, keys: string[], args: Array<string | number>): Promise<unknown> {
    const reply = await this.evalRaw(s, keys, args);
    if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[0])) {
      throw new Error(`Redis answered a script with an unexpected reply (${show(reply)})`);
    }
    const repaired = reply[0] as unknown[];
    for (let i = 0; i + 1 < repaired.length; i += 2) {
      this.corruptListeners.emit({ key: String(repaired[i]), problem: redactText(String(repaired[i + 1])) });
    }
    return reply[1];
  }

  private evalRaw(s: LuaScript, keys: string[], args: Array<string | number>): Promise<unknown> {
    return this.timed(
      (async () => {
        try {
          return await this.client.evalsha(s.sha, keys.length, ...keys, ...args);
        } catch (error) {
          // After a restart Redis has forgotten the script; EVAL loads it again.
          if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
          return await this.client.eval(s.lua, keys.length, ...keys, ...args);
        }
      })(),
    );
  }

  /** `work`, or a rejection once it has taken `commandTimeoutMs`. */
  private async timed<T>(work: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      timer.unref?.();
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves true once the first connection is up, false after `commandTimeoutMs`; one wait shared by all calls. */
  private firstReady(): Promise<boolean> {
    this.connecting ??= new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        this.connecting = undefined;
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), this.timeoutMs);
      this.client.on('ready', onReady);
    });
    return this.connecting;
  }

  private down(reason: string): { ok: false; reason: string } {
    this.nextTryAt = this.now() + this.retryMs;
    if (this.up) {
      this.up = false;
      this.downSince = this.now();
      this.scheduleRetry();
      this.fallbackListeners.emit({ policy: this.whenUnavailable, reason });
    }
    return { ok: false, reason };
  }

  /** Tries Redis again every `retryIntervalMs` while down, traffic or not; a reconnect (`ready`) is faster. */
  private scheduleRetry(): void {
    if (this.retryTimer !== undefined || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.up || this.closed) return;
      if (this.client.status === 'ready') void this.recover();
      else this.scheduleRetry();
    }, this.retryMs);
    this.retryTimer.unref?.();
  }

  /** The in-memory store, made at the caller's time `at` if there is none. */
  private fallback(at: number): MemoryRateStore {
    if (this.memory === undefined) {
      const memory = new MemoryRateStore();
      this.memory = memory;
      // The fallback starts with the usage this process last knew of each live window, as usage it did not reserve
      // there (like a server's header: corrected by the next one, and not merged into Redis at recovery).
      // Synchronous in MemoryRateStore, and before the pause and ban, which would refuse the seeding reservation.
      for (const w of this.known.values()) {
        const used = Math.max(w.own, w.seen);
        if (w.end <= this.lastAt || !(used > 0)) continue;
        const seed = {
          limitKey: w.limitKey,
          start: w.start,
          end: w.end,
          amount: 0,
          capacity: Number.POSITIVE_INFINITY,
        };
        memory.reserveSync(this.lastAt, [seed]);
        memory.settleSync([
          { ...seed, counted: 0, certain: false, serverCount: used, confirmedAtReserve: 0, late: false },
        ]);
      }
      // The fallback starts with every pause and ban this process knows, on the caller's clock.
      const now = this.now();
      if (this.ends.pause > now) void memory.setPause(at + this.ends.pause - now);
      if (this.ends.ban > now) void memory.setBan(at + this.ends.ban - now);
    }
    return this.memory;
  }

  /** The entry of `c`'s window in {@link known}, made if it is new (forgetting windows that ended). */
  private knownOf(c: { limitKey: string; start: number; end: number }): KnownWindow {
    const key = this.windowKey(c);
    let w = this.known.get(key);
    if (w === undefined) {
      for (const [k, old] of this.known) if (old.end <= this.lastAt) this.known.delete(k);
      w = { limitKey: c.limitKey, start: c.start, end: c.end, own: 0, seen: 0 };
      this.known.set(key, w);
    }
    return w;
  }

  private noteReserved(charges: readonly WindowCharge[]): void {
    for (const c of charges) this.knownOf(c).own += c.amount;
  }

  /** Adds `delta` to this process's own net usage of `c`'s window, if it still knows the window. */
  private noteOwn(c: { limitKey: string; start: number }, delta: number): void {
    const w = this.known.get(this.windowKey(c));
    if (w !== undefined && Number.isFinite(delta)) w.own = Math.max(0, w.own + delta);
  }

  private noteSeen(c: { limitKey: string; start: number; end: number }, used: number): void {
    if (!(used > 0) || !Number.isFinite(used) || c.end <= this.lastAt) return;
    const w = this.knownOf(c);
    w.seen = Math.max(w.seen, used);
  }

  /** Back to Redis: add what the fallback counted to the shared windows, replay pause and ban, then switch. */
  private recover(): Promise<void> {
    if (this.recovering !== undefined) return this.recovering;
    this.recovering = this.tryRecover().finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  private async tryRecover(): Promise<void> {
    this.nextTryAt = this.now() + this.retryMs;
    try {
      // A connection can look ready while the server does not answer: ask it something first.
      await this.timed(this.client.ping());
      if (this.closed) return;
      const merging = this.merge().then(
        () => true,
        () => false,
      );
      this.merging = merging.finally(() => {
        this.merging = undefined;
      });
      if (!(await this.merging)) throw new Error('the recovery failed');
      this.recoverListeners.emit({ downMs: this.now() - this.downSince });
    } catch {
      this.nextTryAt = this.now() + this.retryMs;
      this.scheduleRetry();
    }
  }

  /** Adds what the fallback counted to the shared windows and replays pause and ban; throws if Redis fails. */
  private async merge(): Promise<void> {
    // Read at once, before anything yields: a call that reserves in memory afterwards waits for this merge.
    const memory = this.memory;
    // Per live window: what the fallback counted, to add; and the least the window holds, which a Redis that came
    // back empty has lost: this process's own usage, and the highest count it saw there.
    const merged = new Map<string, { limitKey: string; start: number; end: number; amount: number; floor: number }>();
    for (const w of memory?.peekState(this.lastAt).windows ?? []) {
      if (w.inFlight + w.settled > 0) merged.set(this.windowKey(w), { ...w, amount: w.inFlight + w.settled, floor: 0 });
    }
    for (const [key, w] of this.known) {
      const floor = Math.max(w.own, w.seen);
      if (w.end <= this.lastAt || !(floor > 0)) continue;
      const entry = merged.get(key);
      if (entry === undefined) merged.set(key, { ...w, amount: 0, floor });
      else entry.floor = floor;
    }
    if (merged.size > 0) {
      const args: Array<string | number> = [this.lastAt, this.keepMs];
      for (const w of merged.values()) args.push(w.limitKey, w.start, w.end, w.amount, w.floor);
      await this.eval(MERGE, [this.keys.index, ...merged.keys()], args);
    }
    for (const which of ['pause', 'ban'] as const) {
      const end = this.ends[which];
      const left = Math.ceil(end - this.now());
      if (left > 0) await this.eval(EXTEND, [this.keys[which]], [left, end, MAX_SERVER_WAIT_MS]);
    }
    // Switch before `merging` is cleared: no call may reserve in the old fallback in between.
    this.memory = undefined;
    this.up = true;
  }

  private unavailableError(reason: string): BinanceThrottleError {
    return new BinanceThrottleError({
      message: `The shared rate budget in Redis is unavailable (${redactText(reason)}) and the store fails closed: the request was not sent.`,
      retryAfterMs: this.retryMs,
      executed: 'no',
      retryable: true,
      hint: "Redis is unreachable and whenUnavailable is 'fail-closed'. Retry after retryAfterMs, or use whenUnavailable: 'memory' to keep trading on a per-process budget.",
    });
  }
}

/** What the store last knew of one window (see `known`). */
interface KnownWindow {
  limitKey: string;
  start: number;
  end: number;
  /** Reserved by this process, less what it released or settled as not counted. */
  own: number;
  /** The highest usage of the window seen: a server's header, Redis's count. */
  seen: number;
}

function isClient(value: unknown): value is Client {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Client).evalsha === 'function' &&
    typeof (value as Client).on === 'function' &&
    typeof (value as Client).status === 'string'
  );
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactText(message.length > 200 ? `${message.slice(0, 200)}…` : message);
}

/** A number from a script's reply; the scripts never send a non-finite one, this keeps a stray one out anyway. */
function finite(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

function positive(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a positive number of ms, got ${show(value)}`);
  }
  return value;
}

/** A timer delay: positive, and at most 2^31-1 ms (a longer one fires at once). */
function delay(value: unknown, name: string, fallback: number): number {
  const ms = positive(value, name, fallback);
  if (ms > MAX_TIMER_MS) throw new RangeError(`${name} must be at most ${MAX_TIMER_MS} ms (2^31-1), got ${ms}`);
  return ms;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}
