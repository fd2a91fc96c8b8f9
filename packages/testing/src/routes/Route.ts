import type { ResolvedLimit } from '../limits/ResolvedLimit.ts';
import type { Market } from '../market/Market.ts';
import type { AccountBook } from '../orders/AccountBook.ts';
import type { MatchingEngine } from '../orders/MatchingEngine.ts';
import type { Params } from '../params/Params.ts';

/** What a route handler may touch. */
export interface RouteContext {
  /** Server time at arrival, ms. */
  readonly t: number;
  readonly params: Params;
  /** The authenticated account (API_KEY and SIGNED routes). */
  readonly book: AccountBook | undefined;
  readonly market: Market;
  readonly engine: MatchingEngine;
  readonly limits: readonly ResolvedLimit[];
  /** Adds `n` to the account's unfilled order count, or throws 429 -1015. */
  chargeOrders(n: number): void;
  /** Notes that `n` orders filled on placement, so the order count drops after the response. */
  filled(n: number): void;
  /** The account's ORDERS usage, for /api/v3/rateLimit/order. */
  orderUsage(): { rateLimitType: string; interval: string; intervalNum: number; limit: number; count: number }[];
}

/** Who may call a route. */
export type Security = 'NONE' | 'API_KEY' | 'SIGNED';

/** One endpoint the fake implements. */
export interface Route {
  readonly method: string;
  readonly path: string;
  readonly security: Security;
  /** Parameters it accepts (timestamp, recvWindow and signature are added for SIGNED routes); others → -1103. */
  readonly params: readonly string[];
  /** Parameters that must be sent and non-empty; missing → -1102 naming the first. */
  readonly mandatory: readonly string[];
  /** The 200 body, or throws an ApiError. */
  readonly handle: (ctx: RouteContext) => unknown;
}
