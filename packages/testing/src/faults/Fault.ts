import type { IncomingHttpHeaders } from 'node:http';
import type { Params } from '../params/Params.ts';

/** What a request looks like to a fault's `match.predicate`. */
export interface FaultRequest {
  method: string;
  /** Path without the query string, e.g. `/api/v3/order`. */
  path: string;
  /** Query and form-body parameters merged (query wins). */
  params: Readonly<Params>;
  headers: IncomingHttpHeaders;
  /** The `X-MBX-APIKEY` header, when sent. */
  apiKey: string | undefined;
  /** The client address the limits are keyed by. */
  ip: string;
}

/** Which requests a fault applies to; every given field must match. */
export interface FaultMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Exact path, or a RegExp tested against it. */
  path?: string | RegExp;
  predicate?: (req: FaultRequest) => boolean;
}

/** Options every fault kind takes. */
export interface FaultOptions {
  /** Which requests it hits. @default every request */
  match?: FaultMatch;
  /** How many requests it hits before removing itself. @default unlimited */
  times?: number;
  /** How long it stays active from now, in ms of the exchange's `now()` clock. @default forever */
  durationMs?: number;
  /** Chance in [0, 1] that a matching request is hit, drawn from the exchange's seeded PRNG. @default 1 */
  probability?: number;
}

/** Options of kinds whose outcome may or may not have executed. */
export interface PlacedOption {
  /**
   * Process the request first (the order IS placed, balances move, limits count), then answer with the fault.
   * With `false` the request is answered without being processed.
   * @default false
   */
  placed?: boolean;
}

/**
 * A scripted failure. Kinds:
 * - `server-busy`: HTTP 503 (default) `{"code":-1008,...}`, the request is not processed. On `usdm` it spares what
 *   Binance spares: cancels and orders that only reduce exposure (closePosition, reduceOnly, LONG+SELL, SHORT+BUY).
 * - `timeout`: HTTP 503 (default) `{"code":-1007,...}`; with `placed: true` the request executed.
 * - `server-error`: HTTP 500 (default) `{"code":-1000,...}` (or another `code` and `msg`, or `body: 'empty'`), e.g.
 *   futures' 503 `msg: 'Service Unavailable.'`.
 * - `html`: a 5xx HTML page (default 502) as a proxy or load balancer sends it.
 * - `waf`: 403 with a CloudFront "request blocked" HTML page; nothing reaches the exchange.
 * - `restricted-location`: the request comes from a restricted country or region; nothing reaches the exchange.
 *   `via: 'api'` (default) answers HTTP 451 with Binance's `{"code":0,"msg":"Service unavailable from a restricted
 *   location…"}`; `via: 'cdn'` answers 403 with CloudFront's country-block page.
 * - `reset`: the socket is destroyed (TCP RST) without a response.
 * - `delay`: the request executes at once; the answer is held back `ms`.
 * - `slow-body`: headers go out at once; the body trickles out in `chunks` pieces over `ms`.
 * - `truncated`: `Content-Length` announces the whole body, half is sent, then the socket ends.
 * - `malformed-json`: the real answer's JSON is cut in half (status and headers unchanged).
 */
export type FaultSpec =
  | (FaultOptions & { kind: 'server-busy'; status?: number })
  | (FaultOptions & PlacedOption & { kind: 'timeout'; status?: number })
  | (FaultOptions &
      PlacedOption & { kind: 'server-error'; status?: number; code?: number; msg?: string; body?: 'json' | 'empty' })
  | (FaultOptions & PlacedOption & { kind: 'html'; status?: number })
  | (FaultOptions & { kind: 'waf' })
  | (FaultOptions & { kind: 'restricted-location'; via?: 'api' | 'cdn' })
  | (FaultOptions & PlacedOption & { kind: 'reset' })
  | (FaultOptions & { kind: 'delay'; ms: number })
  | (FaultOptions & { kind: 'slow-body'; ms: number; chunks?: number })
  | (FaultOptions & { kind: 'truncated' })
  | (FaultOptions & { kind: 'malformed-json' });

/** The fault kinds. */
export type FaultKind = FaultSpec['kind'];

/** A registered fault. */
export interface FaultHandle {
  readonly kind: FaultKind;
  /** Requests it has hit so far. */
  readonly hits: number;
  /** False once removed, used up (`times`) or expired (`durationMs`). */
  readonly active: boolean;
  /** Stops it from hitting further requests. */
  remove(): void;
}
