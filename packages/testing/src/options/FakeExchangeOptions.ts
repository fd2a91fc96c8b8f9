import type { FakeAccount } from '../auth/FakeAccount.ts';
import type { BanPolicy } from '../limits/BanPolicy.ts';
import type { FakeRateLimit } from '../limits/RateLimit.ts';
import type { RequestLogEntry } from '../log/RequestLogEntry.ts';
import type { FakeSymbol } from '../market/FakeSymbol.ts';
import type { EndpointSpec } from '../weights/EndpointSpec.ts';

/** Options of {@link createFakeExchange}. All optional. */
export interface FakeExchangeOptions {
  /**
   * Which Binance API to play: `'spot'` (`/api/v3/...`) or `'usdm'`, USDⓈ-M Futures (`/fapi/...`): its endpoints,
   * weights, limits, headers, error codes and wording, USDT-margined positions, and -1008 storms that spare cancels
   * and reduce-only orders. It changes the defaults of `rateLimits`, `symbols`, `endpoints` and
   * `decrementOrderCountOnFill`. @default 'spot'
   */
  product?: 'spot' | 'usdm';
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Address to bind. @default '127.0.0.1' */
  host?: string;
  /**
   * The exchange's clock in epoch ms, before skew. Inject a fixed or stepped clock for deterministic timestamp and
   * window tests. @default Date.now
   */
  now?: () => number;
  /** Initial server clock skew in ms (server time = `now()` + skew); change it later with `setSkew`. @default 0 */
  skewMs?: number;
  /** Accounts, each reached through its API key. @default [] */
  accounts?: readonly FakeAccount[];
  /**
   * Limits in `exchangeInfo`'s shape, each optionally with a shortened `intervalMs` for tests.
   * @default DEFAULT_RATE_LIMITS: 6000 REQUEST_WEIGHT / 1 MINUTE, 50 ORDERS / 10 SECOND, 160000 ORDERS / 1 DAY,
   * 300000 RAW_REQUESTS / 5 MINUTE; for `usdm` USDM_RATE_LIMITS: 2400 REQUEST_WEIGHT / 1 MINUTE, 300 ORDERS / 10 SECOND,
   * 1200 ORDERS / 1 MINUTE
   */
  rateLimits?: readonly FakeRateLimit[];
  /**
   * Divides every window without its own `intervalMs`: with 30, a 1 MINUTE window lasts 2 s. Headers and messages
   * still name the nominal interval. @default 1
   */
  timeScale?: number;
  /**
   * Whether 429 and 418 answers carry `Retry-After` (seconds). Spot documents it; the USDⓈ-M Futures docs never
   * mention it, so a futures client must cope without it. @default true (false for `usdm`)
   */
  retryAfterHeader?: boolean;
  /** When and for how long a client that ignores 429s is banned; `false` never bans. @default DEFAULT_BAN_POLICY */
  ban?: BanPolicy | false;
  /**
   * A request header whose value replaces the socket address as the client's IP for weight limits and bans,
   * so one test can play several clients, e.g. `'x-fake-client-ip'`. @default undefined (socket address)
   */
  clientIpHeader?: string;
  /** Seed of the PRNG behind fault `probability` and generated client order ids. @default 1 */
  seed?: number;
  /** Tradable symbols. @default DEFAULT_SYMBOLS (BTCUSDT, ETHUSDT, ETHBTC, LTCBTC); for `usdm` USDM_SYMBOLS */
  symbols?: readonly FakeSymbol[];
  /** Starting last prices per symbol, overriding `symbols[].price`, e.g. `{ BTCUSDT: '65000' }`. */
  prices?: Readonly<Record<string, string>>;
  /**
   * Drop an order from the unfilled order count (ORDERS limits) when it fills, as the exchange does.
   * The order's own response still shows the count with it. @default true (false for `usdm`, which counts orders
   * placed per window rather than unfilled orders)
   */
  decrementOrderCountOnFill?: boolean;
  /** Request log size; the oldest tenth is dropped when full, 0 disables logging. @default 100000 */
  maxLogEntries?: number;
  /**
   * How long an idle keep-alive connection stays open, in ms, before the exchange closes it (Node's
   * `server.keepAliveTimeout`). A client that sends on a connection just as it closes sees a reset, as against a
   * real server; a client run much slower than usual (under a profiler, say) may want it longer. @default 5000
   */
  keepAliveTimeoutMs?: number;
  /** Called with each request's log entry once its answer is decided (also when logging is off). */
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * One-way network latency to simulate, in ms, possibly asymmetric. `requestMs`: the exchange handles a request
   * (reads its clock, counts it, checks its timestamp) this long after it arrives. `responseMs`: the answer is held
   * back this long. A client's clock estimate is off by `(requestMs - responseMs) / 2`, within half the round trip.
   * @default { requestMs: 0, responseMs: 0 }
   */
  latency?: { requestMs?: number; responseMs?: number };
  /**
   * Endpoint weight table (endpoints.json's shape). @default the table shipped in @binance-errors/core/data (for
   * `usdm`, data/usdm/endpoints.json)
   */
  endpoints?: readonly EndpointSpec[];
}
