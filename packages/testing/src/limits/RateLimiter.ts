import { ApiError } from '../http/ApiError.ts';
import { type LimitTexts, SPOT_TEXTS } from '../http/LimitTexts.ts';
import type { BanPolicy } from './BanPolicy.ts';
import type { RateLimitUsage } from './RateLimit.ts';
import type { ResolvedLimit } from './ResolvedLimit.ts';
import { WindowCounters } from './WindowCounters.ts';

interface ClientState {
  counters: WindowCounters;
  /** Limit index and window of the last 429, and how many 429s it has had. */
  strikeLimit: number;
  strikeWindow: number;
  strikes: number;
  bannedUntil: number;
  bans: number;
}

/** A client's standing with the exchange: usage per limit and ban state. */
export interface ClientStanding {
  /** REQUEST_WEIGHT and RAW_REQUESTS usage in the current windows. */
  usage: RateLimitUsage[];
  /** End of the current ban (server ms), or undefined when not banned. */
  bannedUntil: number | undefined;
  /** How many bans this client has had (drives escalation). */
  bans: number;
}

function maxOf(counts: Readonly<Record<string, number>>): number {
  return Math.max(0, ...Object.values(counts));
}

function retryAfterSec(untilMs: number, t: number): number {
  return Math.max(1, Math.ceil((untilMs - t) / 1000));
}

/**
 * Counts REQUEST_WEIGHT and RAW_REQUESTS per client address and ORDERS per account, in fixed windows on the
 * server clock, and runs the 429 → 418 escalation.
 *
 * Rejected (429) requests still add their weight: the window's usage can go past the limit, and the
 * `X-MBX-USED-WEIGHT-*` header shows that, so a client that keeps polling keeps digging.
 */
export class RateLimiter {
  readonly limits: readonly ResolvedLimit[];
  private readonly ipLimits: number[] = [];
  private readonly weightLimits: number[] = [];
  private readonly orderLimits: number[] = [];
  private readonly ban: Required<BanPolicy> | false;
  private readonly texts: LimitTexts;
  private readonly clients = new Map<string, ClientState>();
  private readonly accounts = new Map<string, WindowCounters>();

  constructor(limits: readonly ResolvedLimit[], ban: Required<BanPolicy> | false, texts: LimitTexts = SPOT_TEXTS) {
    this.limits = limits;
    this.ban = ban;
    this.texts = texts;
    limits.forEach((l, i) => {
      if (l.type === 'ORDERS') this.orderLimits.push(i);
      else this.ipLimits.push(i);
      if (l.type === 'REQUEST_WEIGHT') this.weightLimits.push(i);
    });
  }

  private client(ip: string): ClientState {
    let c = this.clients.get(ip);
    if (!c) {
      c = {
        counters: new WindowCounters(this.limits),
        strikeLimit: -1,
        strikeWindow: Number.NaN,
        strikes: 0,
        bannedUntil: 0,
        bans: 0,
      };
      this.clients.set(ip, c);
    }
    return c;
  }

  private account(key: string): WindowCounters {
    let c = this.accounts.get(key);
    if (!c) {
      c = new WindowCounters(this.limits);
      this.accounts.set(key, c);
    }
    return c;
  }

  /** A 418 when `ip` is banned at server time `t`. Requests during a ban add nothing and do not extend it. */
  checkBan(ip: string, t: number): ApiError | undefined {
    const c = this.clients.get(ip);
    if (c === undefined || t >= c.bannedUntil) return undefined;
    return new ApiError(418, -1003, this.texts.ipBanned(c.bannedUntil), undefined, retryAfterSec(c.bannedUntil, t));
  }

  /**
   * Adds one raw request and `weight` for `ip` at arrival time `t`. Returns the 429 (or 418, per the ban policy)
   * when a limit is now exceeded; the longest wait among exceeded limits wins, as the docs tell clients to wait
   * for the longer window.
   */
  chargeRequest(ip: string, t: number, weight: number): ApiError | undefined {
    const c = this.client(ip);
    let worst = -1;
    let worstEnd = 0;
    for (const i of this.ipLimits) {
      const l = this.limits[i]!;
      const used = c.counters.add(i, t, l.type === 'RAW_REQUESTS' ? 1 : weight);
      if (used > l.limit) {
        const end = c.counters.windowStart(i, t) + l.intervalMs;
        if (worst < 0 || end > worstEnd) {
          worst = i;
          worstEnd = end;
        }
      }
    }
    if (worst < 0) return undefined;
    const window = c.counters.windowStart(worst, t);
    const strikes = c.strikeLimit === worst && c.strikeWindow === window ? c.strikes : 0;
    if (this.ban && strikes >= this.ban.after429s) {
      const durations = this.ban.durationsMs;
      const duration = durations[Math.min(c.bans, durations.length - 1)]!;
      c.bannedUntil = t + duration;
      c.bans++;
      c.strikes = 0;
      c.strikeLimit = -1;
      return new ApiError(418, -1003, this.texts.ipBanned(c.bannedUntil), undefined, retryAfterSec(c.bannedUntil, t));
    }
    c.strikes = strikes + 1;
    c.strikeLimit = worst;
    c.strikeWindow = window;
    const l = this.limits[worst]!;
    return new ApiError(429, -1003, this.texts.tooMuchWeight(l.limit, l.per), undefined, retryAfterSec(worstEnd, t));
  }

  /** Gives back weight charged at `t` (successful order requests cost 0). */
  refundWeight(ip: string, t: number, weight: number): void {
    const c = this.clients.get(ip);
    if (!c || weight === 0) return;
    for (const i of this.weightLimits) c.counters.add(i, t, -weight);
  }

  /**
   * Adds `n` to every ORDERS limit of `account` — or, given counts per interval (`{ '10S': 5, '1M': 1 }`, as
   * futures batches cost), each limit its own count, the largest for an interval the record does not name.
   * Throws 429 -1015 (adding nothing) when one would be exceeded.
   */
  chargeOrders(account: string, t: number, n: number | Readonly<Record<string, number>>): void {
    const amounts = this.orderLimits.map((i) => (typeof n === 'number' ? n : (n[this.limits[i]!.suffix] ?? maxOf(n))));
    if (amounts.every((a) => a === 0)) return;
    const c = this.account(account);
    let worst = -1;
    let worstEnd = 0;
    for (const [k, i] of this.orderLimits.entries()) {
      const l = this.limits[i]!;
      if (c.get(i, t) + amounts[k]! > l.limit) {
        const end = c.windowStart(i, t) + l.intervalMs;
        if (worst < 0 || end > worstEnd) {
          worst = i;
          worstEnd = end;
        }
      }
    }
    if (worst >= 0) {
      const l = this.limits[worst]!;
      throw new ApiError(429, -1015, this.texts.tooManyOrders(l.limit, l.per), undefined, retryAfterSec(worstEnd, t));
    }
    for (const [k, i] of this.orderLimits.entries()) c.add(i, t, amounts[k]!);
  }

  /** Takes `n` off every ORDERS window of `account`: the unfilled order count drops when an order fills. */
  releaseOrders(account: string, t: number, n: number): void {
    const c = this.accounts.get(account);
    if (c) for (const i of this.orderLimits) c.add(i, t, -n);
  }

  /** Pushes `X-MBX-USED-WEIGHT-*` name/value pairs for `ip` at `t` onto `out`. */
  weightHeaders(ip: string, t: number, out: string[]): void {
    const c = this.clients.get(ip);
    for (const i of this.weightLimits) out.push(this.limits[i]!.header!, String(c ? c.counters.get(i, t) : 0));
  }

  /** Pushes `X-MBX-ORDER-COUNT-*` name/value pairs for `account` at `t` onto `out`. */
  orderHeaders(account: string, t: number, out: string[]): void {
    const c = this.accounts.get(account);
    for (const i of this.orderLimits) out.push(this.limits[i]!.header!, String(c ? c.get(i, t) : 0));
  }

  /** Usage and ban state of `ip` at `t`. */
  standing(ip: string, t: number): ClientStanding {
    const c = this.clients.get(ip);
    return {
      usage: this.ipLimits.map((i) => this.usage(i, c?.counters, t)),
      bannedUntil: c && t < c.bannedUntil ? c.bannedUntil : undefined,
      bans: c?.bans ?? 0,
    };
  }

  /** ORDERS usage of `account` at `t`. */
  orderUsage(account: string, t: number): RateLimitUsage[] {
    const c = this.accounts.get(account);
    return this.orderLimits.map((i) => this.usage(i, c, t));
  }

  private usage(i: number, counters: WindowCounters | undefined, t: number): RateLimitUsage {
    const l = this.limits[i]!;
    return { ...l.public, intervalMs: l.intervalMs, count: counters ? counters.get(i, t) : 0 };
  }

  /** Forgets every count, strike and ban. */
  reset(): void {
    this.clients.clear();
    this.accounts.clear();
  }
}
