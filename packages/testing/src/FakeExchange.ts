import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from './auth/Credential.ts';
import { checkTimestamp } from './auth/checkTimestamp.ts';
import type { FakeAccount } from './auth/FakeAccount.ts';
import { signedPayload } from './auth/signedPayload.ts';
import type { FaultHandle, FaultMatch, FaultRequest, FaultSpec } from './faults/Fault.ts';
import { FaultRegistry } from './faults/FaultRegistry.ts';
import { mulberry32 } from './faults/mulberry32.ts';
import { countryBlockHtml, gatewayHtml, NOT_FOUND_HTML, RESTRICTED_LOCATION, wafHtml } from './faults/pages.ts';
import { CancelCountdowns } from './futures/CancelCountdowns.ts';
import { FuturesEngine } from './futures/FuturesEngine.ts';
import { futuresOrderJson } from './futures/futuresJson.ts';
import { sparedByOverload } from './futures/reducesExposure.ts';
import { ApiError } from './http/ApiError.ts';
import { messageFor } from './http/errorMessages.ts';
import { MSG, mandatoryParam } from './http/messages.ts';
import type { FakeRateLimit, RateLimitUsage } from './limits/RateLimit.ts';
import { type ClientStanding, RateLimiter } from './limits/RateLimiter.ts';
import { RequestLog } from './log/RequestLog.ts';
import type { RequestFilter, RequestLogEntry } from './log/RequestLogEntry.ts';
import { Market } from './market/Market.ts';
import type { FakeExchangeOptions } from './options/FakeExchangeOptions.ts';
import { type ResolvedOptions, resolveOptions } from './options/resolveOptions.ts';
import { AccountBook } from './orders/AccountBook.ts';
import type { FakeBalance, FakeOrder, FakeTrade } from './orders/FakeOrder.ts';
import { MatchingEngine } from './orders/MatchingEngine.ts';
import { orderJson, tradeJson } from './orders/orderJson.ts';
import { formatUnits } from './params/Decimal.ts';
import { emptyParams, type Params } from './params/Params.ts';
import { parseParams } from './params/parseParams.ts';
import { accountRoutes } from './routes/accountRoutes.ts';
import { marketRoutes } from './routes/marketRoutes.ts';
import { orderRoutes } from './routes/orderRoutes.ts';
import type { Route, RouteContext, Security } from './routes/Route.ts';
import { usdmRoutes } from './routes/usdmRoutes.ts';
import type { EndpointCost } from './weights/WeightTable.ts';

const JSON_TYPE = 'application/json;charset=UTF-8';
/** The only body type whose parameters Binance reads. */
const FORM_TYPE = /^\s*application\/x-www-form-urlencoded\s*(;|$)/i;
const HTML_TYPE = 'text/html';
const SIGNED_EXTRA = ['timestamp', 'recvWindow', 'signature'];
const EMPTY_PARAMS: Params = Object.freeze(emptyParams());

/** A route plus the sets the hot path checks, prepared once. */
interface PreparedRoute {
  route: Route | undefined;
  cost: EndpointCost | undefined;
  security: Security;
  allowed: ReadonlySet<string> | undefined;
}

/** What a request ends in, before faults that damage delivery. */
interface Outcome {
  status: number;
  body: string;
  contentType: string;
  code: number | undefined;
  retryAfterSec: number | undefined;
  /** Whether to send the X-MBX-* usage headers (not for answers from "infrastructure" in front of the API). */
  binanceHeaders: boolean;
  extraHeaders: string[] | undefined;
}

function jsonOutcome(status: number, body: unknown): Outcome {
  return {
    status,
    body: JSON.stringify(body),
    contentType: JSON_TYPE,
    code: undefined,
    retryAfterSec: undefined,
    binanceHeaders: true,
    extraHeaders: undefined,
  };
}

function errorOutcome(e: ApiError): Outcome {
  const body = e.data === undefined ? { code: e.code, msg: e.msg } : { code: e.code, msg: e.msg, data: e.data };
  return { ...jsonOutcome(e.status, body), code: e.code, retryAfterSec: e.retryAfterSec };
}

/** An HTML page; `fromApi` false for pages from "infrastructure" in front of the API (no X-MBX-* headers). */
function htmlOutcome(status: number, body: string, fromApi: boolean, extraHeaders?: string[]): Outcome {
  return {
    status,
    body,
    contentType: HTML_TYPE,
    code: undefined,
    retryAfterSec: undefined,
    binanceHeaders: fromApi,
    extraHeaders,
  };
}

function emptyOutcome(status: number): Outcome {
  return { ...jsonOutcome(status, undefined), body: '' };
}

/** Kinds answered instead of processing, unless `placed: true`. */
/** The headers CloudFront puts on the error pages it answers itself. */
const CLOUDFRONT_HEADERS = ['Server', 'CloudFront', 'X-Cache', 'Error from cloudfront'];

function answersFirst(f: FaultSpec): boolean {
  switch (f.kind) {
    case 'server-busy':
    case 'waf':
    case 'restricted-location':
      return true;
    case 'timeout':
    case 'server-error':
    case 'html':
    case 'reset':
      return f.placed !== true;
    default:
      return false;
  }
}

/** On USDⓈ-M Futures a -1008 storm spares cancels and orders that only reduce exposure, as Binance does. */
function sparedOnUsdm(spec: FaultSpec, req: FaultRequest): boolean {
  return spec.kind === 'server-busy' && sparedByOverload(req.method, req.path, req.params);
}

/**
 * A fake Binance Spot (or, with `product: 'usdm'`, USDⓈ-M Futures) REST exchange listening on loopback. Create it
 * with {@link createFakeExchange}.
 *
 * Request pipeline, in order:
 * 1. an active ban → 418 -1003; 2. a fault that answers before processing (see {@link FaultSpec});
 * 3. unknown path → 404; 4. the request's RAW_REQUESTS and REQUEST_WEIGHT are counted in the fixed windows its
 * arrival falls in → 429 -1003 (or 418 after too many 429s); 5. API key (-2014, 401 -2015), timestamp and signature
 * presence (-1102), signature (-1022), timing (-1021); 6. parameters (-1101/-1103/-1102); 7. the endpoint itself,
 * with the ORDERS count (429 -1015) for order placement; 8. refund for successful order requests (weight 0);
 * 9. faults that damage delivery or replace a processed answer.
 */
export class FakeExchange {
  /** The limits enforced, with their real window lengths. */
  readonly rateLimits: readonly (FakeRateLimit & { intervalMs: number })[];

  private readonly opts: ResolvedOptions;
  private readonly server: Server;
  private readonly routes = new Map<string, PreparedRoute>();
  private readonly limiter: RateLimiter;
  private readonly market: Market;
  private readonly engine: MatchingEngine;
  /** USDⓈ-M Futures positions and orders; undefined on Spot. */
  private readonly futures: FuturesEngine | undefined;
  /** USDⓈ-M's countdowns that cancel open orders; undefined on Spot. */
  private readonly countdowns: CancelCountdowns | undefined;
  private readonly books = new Map<string, AccountBook>();
  private readonly faultRegistry: FaultRegistry;
  private readonly log: RequestLog;
  private readonly timers = new Set<NodeJS.Timeout>();
  private random: () => number;
  private skew: number;
  /** The last `Date` header written and the server second it names (one `toUTCString` per second). */
  private date = { second: Number.NaN, text: '' };
  private boundUrl = '';
  private boundPort = 0;

  /**
   * Validates `options`, binds the server and resolves once it listens. Same as {@link createFakeExchange}, which
   * is the documented entry point.
   */
  static async start(options: FakeExchangeOptions = {}): Promise<FakeExchange> {
    const ex = new FakeExchange(resolveOptions(options));
    await ex.listen();
    return ex;
  }

  private constructor(opts: ResolvedOptions) {
    this.opts = opts;
    this.skew = opts.skewMs;
    this.random = mulberry32(opts.seed);
    this.rateLimits = opts.limits.map((l) => ({ ...l.public, intervalMs: l.intervalMs }));
    this.limiter = new RateLimiter(opts.limits, opts.ban, opts.texts);
    this.market = new Market(opts.symbols);
    this.engine = new MatchingEngine(this.market, () => this.random());
    this.futures =
      opts.product === 'usdm' ? new FuturesEngine(this.market, () => this.engine.clientOrderId()) : undefined;
    this.countdowns = this.futures && new CancelCountdowns(this.futures, () => this.now());
    this.faultRegistry = new FaultRegistry(opts.now, () => this.random());
    this.log = new RequestLog(opts.maxLogEntries);
    for (const [i, a] of opts.accounts.entries()) this.addBook(a, `accounts[${i}]`);
    const routes =
      this.futures && this.countdowns
        ? usdmRoutes(this.futures, this.countdowns)
        : [...marketRoutes, ...accountRoutes, ...orderRoutes];
    for (const route of routes) {
      const extra = route.security === 'SIGNED' ? SIGNED_EXTRA : [];
      this.routes.set(`${route.method} ${route.path}`, {
        route,
        cost: opts.table.get(route.method, route.path),
        security: route.security,
        allowed: new Set([...route.params, ...extra]),
      });
    }
    // Endpoints in the weight table that the fake does not implement still authenticate and pay their weight,
    // then answer -1020, so a client's weight accounting can be checked against every documented endpoint.
    for (const cost of opts.table.entries()) {
      const key = `${cost.spec.method} ${cost.spec.path}`;
      if (this.routes.has(key)) continue;
      const security: Security = cost.signed ? 'SIGNED' : cost.needsApiKey ? 'API_KEY' : 'NONE';
      this.routes.set(key, { route: undefined, cost, security, allowed: undefined });
    }
    this.server = createServer({ keepAliveTimeout: opts.keepAliveTimeoutMs }, (req, res) => this.onRequest(req, res));
  }

  /** Base URL, e.g. `http://127.0.0.1:54321`. */
  get url(): string {
    return this.boundUrl;
  }

  /** The bound port. */
  get port(): number {
    return this.boundPort;
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject);
        const addr = this.server.address() as AddressInfo;
        this.boundPort = addr.port;
        const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
        this.boundUrl = `http://${host}:${addr.port}`;
        resolve();
      });
    });
  }

  /**
   * Stops listening and destroys open (keep-alive) sockets, pending delayed answers and running countdowns, so tests
   * end at once.
   */
  close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.countdowns?.clear();
    return new Promise((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Same as {@link close}, for `await using ex = await createFakeExchange()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- clock

  /** Server time in epoch ms: the `now` option plus the skew. */
  now(): number {
    return this.opts.now() + this.skew;
  }

  /** Sets the server clock's skew in ms relative to `now()` (positive: the server is ahead of the client). */
  setSkew(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`setSkew: ms must be a finite number, got ${ms}`);
    this.skew = ms;
  }

  /** The current skew in ms. */
  get skewMs(): number {
    return this.skew;
  }

  // ---- accounts, market, orders

  /** Adds an account (validated like the `accounts` option). */
  addAccount(account: FakeAccount): void {
    this.addBook(account, 'addAccount');
  }

  private addBook(account: FakeAccount, where: string): void {
    const book = new AccountBook(account, where);
    if (this.books.has(book.apiKey)) throw new TypeError(`${where}: duplicate apiKey ${book.apiKey}`);
    this.books.set(book.apiKey, book);
  }

  private book(apiKey: string): AccountBook {
    const b = this.books.get(apiKey);
    if (!b) throw new RangeError(`unknown apiKey ${apiKey}`);
    return b;
  }

  /** Balances of an account, per asset, as 8-decimal strings. */
  balances(apiKey: string): Record<string, FakeBalance> {
    return this.book(apiKey).balances();
  }

  /** Every order of an account (open and closed), oldest first, as `GET /api/v3/order` shows them. */
  orders(apiKey: string): FakeOrder[] {
    return [...this.book(apiKey).orders.values()].map(orderJson);
  }

  /** Every futures order of an account (open and closed), oldest first, as `GET /fapi/v1/order` shows them. */
  futuresOrders(apiKey: string): Record<string, unknown>[] {
    return [...this.usdm('futuresOrders').account(this.book(apiKey)).orders.values()].map(futuresOrderJson);
  }

  /**
   * An account's futures positions, keyed `SYMBOL:POSITIONSIDE` (`BTCUSDT:BOTH` in one-way mode), as signed
   * decimal strings, e.g. `{ 'BTCUSDT:BOTH': '-0.01000000' }`. Flat positions are left out.
   */
  positions(apiKey: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, p] of this.usdm('positions').account(this.book(apiKey)).positions) {
      if (p.amt !== 0n) out[key] = formatUnits(p.amt);
    }
    return out;
  }

  private usdm(method: string): FuturesEngine {
    if (!this.futures) throw new TypeError(`${method}: the exchange plays Spot; create it with product: 'usdm'`);
    return this.futures;
  }

  /** Fills of an account, oldest first. */
  trades(apiKey: string): FakeTrade[] {
    return this.book(apiKey).trades.map(tradeJson);
  }

  /** A symbol's last price (8-decimal string). */
  price(symbol: string): string {
    const s = this.market.get(symbol);
    if (!s) throw new RangeError(`price: unknown symbol ${symbol}`);
    return formatUnits(s.price);
  }

  /**
   * Moves a symbol's last price. Resting LIMIT orders the new price reaches fill at their own price, and leave
   * the unfilled order count (unless `decrementOrderCountOnFill` is false).
   */
  setPrice(symbol: string, price: string): void {
    this.market.setPrice(symbol, price);
    const t = this.now();
    this.futures?.onPriceChange(symbol, t);
    this.engine.onPriceChange(this.books.values(), symbol, t, (book) => {
      if (this.opts.decrementOrderCountOnFill) this.limiter.releaseOrders(book.apiKey, t, 1);
    });
  }

  // ---- limits

  /** Usage of REQUEST_WEIGHT and RAW_REQUESTS limits and ban state of a client address. */
  client(ip = '127.0.0.1'): ClientStanding {
    return this.limiter.standing(ip, this.now());
  }

  /** ORDERS usage of an account. */
  orderUsage(apiKey: string): RateLimitUsage[] {
    return this.limiter.orderUsage(apiKey, this.now());
  }

  // ---- faults

  /**
   * Scripts a fault; the first active fault (in the order added) that matches a request hits it.
   * @example ex.fault({ kind: 'timeout', placed: true, times: 1, match: { method: 'POST', path: '/api/v3/order' } })
   */
  fault(spec: FaultSpec): FaultHandle {
    return this.faultRegistry.add(spec);
  }

  /** A -1008 storm: every matching request is answered 503 -1008 for `durationMs`. */
  storm(options: { durationMs: number; match?: FaultMatch; probability?: number }): FaultHandle {
    return this.faultRegistry.add({ kind: 'server-busy', ...options });
  }

  /** The active faults, oldest first. */
  get faults(): FaultHandle[] {
    return this.faultRegistry.list();
  }

  /** Removes every fault. */
  clearFaults(): void {
    this.faultRegistry.clear();
  }

  // ---- log

  /** Every request that reached the exchange, oldest first (live array; do not mutate). */
  get requests(): readonly RequestLogEntry[] {
    return this.log.entries;
  }

  /** Log entries matching `filter`. */
  findRequests(filter: RequestFilter = {}): RequestLogEntry[] {
    return this.log.filter(filter);
  }

  /**
   * How many logged requests match `filter`.
   * @example ex.count({ method: 'POST', path: '/api/v3/order', status: 200 })
   */
  count(filter: RequestFilter = {}): number {
    return this.log.count(filter);
  }

  /** Empties the request log. */
  clearLog(): void {
    this.log.clear();
  }

  /**
   * Back to the state right after creation: skew, prices, balances, orders, countdowns, counters, bans, faults, log
   * and PRNG. Accounts added later stay, with their starting balances.
   */
  reset(): void {
    this.skew = this.opts.skewMs;
    this.random = mulberry32(this.opts.seed);
    this.market.resetPrices();
    for (const b of this.books.values()) b.reset();
    this.engine.reset();
    this.futures?.reset();
    this.countdowns?.clear();
    this.limiter.reset();
    this.faultRegistry.clear();
    this.log.clear();
  }

  // ---- request pipeline

  private clientIp(req: IncomingMessage): string {
    const header = this.opts.clientIpHeader;
    if (header !== undefined) {
      const v = req.headers[header];
      const first = Array.isArray(v) ? v[0] : v;
      if (first) return first;
    }
    return req.socket.remoteAddress ?? 'unknown';
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    // Simulated request latency: the body stays buffered in the paused stream until the exchange "receives" it.
    if (this.opts.latency.requestMs > 0) this.later(this.opts.latency.requestMs, () => this.receive(req, res));
    else this.receive(req, res);
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    // The arrival time decides the window a request counts in, even if its body arrives later.
    const t = this.now();
    const h = req.headers;
    if (h['content-length'] === undefined && h['transfer-encoding'] === undefined) {
      this.guarded(req, res, t, '');
      return;
    }
    // Like the real API, a body carries parameters only as application/x-www-form-urlencoded; any other body is
    // read and ignored, so a client that loses the content type hears about it (-1102, -1022) rather than passing.
    const form = FORM_TYPE.test(h['content-type'] ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.guarded(req, res, t, form ? Buffer.concat(chunks).toString('latin1') : ''));
    req.on('error', () => res.destroy());
  }

  private guarded(req: IncomingMessage, res: ServerResponse, t: number, rawBody: string): void {
    try {
      this.process(req, res, t, rawBody);
    } catch (e) {
      // A throwing fault predicate or onRequest callback, or a bug here, must not crash the test process.
      this.warn(req, e);
      if (res.headersSent) res.destroy();
      else {
        const body = JSON.stringify({ code: -1000, msg: messageFor(-1000, this.opts.product) });
        res
          .writeHead(500, [
            'Content-Type',
            JSON_TYPE,
            'Date',
            this.dateHeader(t),
            'Content-Length',
            String(Buffer.byteLength(body)),
          ])
          .end(body);
      }
    }
  }

  private warn(req: IncomingMessage, e: unknown): void {
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.emitWarning(`fake exchange: ${req.method} ${req.url} failed: ${detail}`);
  }

  private process(req: IncomingMessage, res: ServerResponse, t: number, rawBody: string): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const method = req.method ?? 'GET';
    const ip = this.clientIp(req);
    const apiKeyHeader = req.headers['x-mbx-apikey'];
    const apiKey = Array.isArray(apiKeyHeader) ? apiKeyHeader[0] : apiKeyHeader;
    const parsed = rawQuery === '' && rawBody === '' ? undefined : parseParams(rawQuery, rawBody);
    const params = parsed?.params ?? EMPTY_PARAMS;
    const entry: RequestLogEntry = {
      id: this.log.takeId(),
      time: t,
      method,
      path,
      params,
      ip,
      apiKey,
      signatureValid: undefined,
      weight: 0,
      status: 0,
      code: undefined,
      fault: undefined,
    };

    const ban = this.limiter.checkBan(ip, t);
    if (ban) {
      this.finish(res, entry, errorOutcome(ban), undefined, undefined, 0);
      return;
    }

    const fault = this.faultRegistry.isEmpty
      ? undefined
      : this.faultRegistry.take(
          { method, path, params, headers: req.headers, apiKey, ip },
          this.futures ? sparedOnUsdm : undefined,
        );
    if (fault) entry.fault = fault.kind;
    if (fault && answersFirst(fault)) {
      const outcome = fault.kind === 'reset' ? emptyOutcome(0) : this.faultOutcome(fault);
      this.finish(res, entry, outcome, fault, undefined, 0);
      return;
    }

    const prepared = this.routes.get(`${method} ${path}`);
    if (!prepared) {
      // Unknown paths are answered without counting weight or raw requests.
      const html = req.headers.accept?.includes('text/html') === true;
      const outcome = html ? htmlOutcome(404, NOT_FOUND_HTML, true) : emptyOutcome(404);
      this.finish(res, entry, outcome, fault, undefined, 0);
      return;
    }

    const cost = prepared.cost;
    const weight = cost === undefined ? 1 : (cost.fixed ?? cost.weightOf(params));
    entry.weight = weight;
    const limited = this.limiter.chargeRequest(ip, t, weight);
    if (limited) {
      this.finish(res, entry, errorOutcome(limited), fault, undefined, 0);
      return;
    }

    let book: AccountBook | undefined;
    let filled = 0;
    let outcome: Outcome;
    try {
      if (parsed?.error) throw parsed.error;
      book = this.authenticate(prepared.security, apiKey, rawQuery, rawBody, params, t, entry);
      const route = prepared.route;
      if (!route) throw ApiError.bad(-1020, MSG.unsupportedOperation);
      for (const name in params) if (!prepared.allowed!.has(name)) throw ApiError.bad(-1103, MSG.unknownParam);
      for (const name of route.mandatory) {
        if (params[name] === undefined || params[name] === '') throw ApiError.bad(-1102, mandatoryParam(name));
      }
      const ctx: RouteContext = {
        t,
        params,
        book,
        market: this.market,
        engine: this.engine,
        limits: this.opts.limits,
        chargeOrders: (n) => this.limiter.chargeOrders(book!.apiKey, t, cost?.orderCounts ?? n),
        filled: (n) => {
          filled += n;
        },
        orderUsage: () => this.limiter.orderUsage(book!.apiKey, t).map(({ intervalMs: _, ...u }) => u),
      };
      outcome = jsonOutcome(200, route.handle(ctx));
    } catch (e) {
      if (e instanceof ApiError) outcome = errorOutcome(e);
      else {
        // A bug in an endpoint still gets logged and counted; it answers like the exchange's -1000.
        this.warn(req, e);
        outcome = errorOutcome(new ApiError(500, -1000, MSG.unknown));
      }
    }

    if (outcome.status === 200 && cost?.weightOnSuccess !== undefined && cost.weightOnSuccess < weight) {
      this.limiter.refundWeight(ip, t, weight - cost.weightOnSuccess);
      entry.weight = cost.weightOnSuccess;
    }
    // A placed fault hides the real answer; the request has executed all the same.
    if (fault && (fault.kind === 'timeout' || fault.kind === 'server-error' || fault.kind === 'html')) {
      outcome = this.faultOutcome(fault);
    }
    const orderAccount =
      book !== undefined && cost !== undefined && cost.unfilledOrderCount > 0 ? book.apiKey : undefined;
    this.finish(res, entry, outcome, fault, orderAccount, filled);
  }

  private authenticate(
    security: Security,
    apiKey: string | undefined,
    rawQuery: string,
    rawBody: string,
    params: Params,
    t: number,
    entry: RequestLogEntry,
  ): AccountBook | undefined {
    if (security === 'NONE') return undefined;
    // Missing or unusable key: -2014; a key the exchange does not know: -2015. Both come with HTTP 401.
    if (apiKey === undefined || apiKey === '' || /\s/.test(apiKey)) throw new ApiError(401, -2014, MSG.badApiKeyFormat);
    const book = this.books.get(apiKey);
    if (!book) throw new ApiError(401, -2015, MSG.rejectedApiKey);
    if (security !== 'SIGNED') return book;
    if (params.timestamp === undefined || params.timestamp === '')
      throw ApiError.bad(-1102, mandatoryParam('timestamp'));
    const { signature, payload } = signedPayload(rawQuery, rawBody);
    if (signature === undefined || signature === '') throw ApiError.bad(-1102, mandatoryParam('signature'));
    const valid = verifySignature(book.credential, payload, signature);
    entry.signatureValid = valid;
    if (!valid) throw ApiError.bad(-1022, MSG.invalidSignature);
    checkTimestamp(params.timestamp, params.recvWindow, t);
    return book;
  }

  private faultOutcome(f: FaultSpec): Outcome {
    switch (f.kind) {
      case 'server-busy':
        return errorOutcome(new ApiError(f.status ?? 503, -1008, this.opts.texts.serverBusy));
      case 'timeout':
        return errorOutcome(new ApiError(f.status ?? 503, -1007, MSG.timeout));
      case 'server-error': {
        const status = f.status ?? 500;
        if (f.body === 'empty') return emptyOutcome(status);
        const code = f.code ?? -1000;
        return errorOutcome(new ApiError(status, code, f.msg ?? messageFor(code, this.opts.product)));
      }
      case 'html': {
        const status = f.status ?? 502;
        return htmlOutcome(status, gatewayHtml(status), false);
      }
      case 'waf':
        return htmlOutcome(403, wafHtml(this.engine.clientOrderId()), false, CLOUDFRONT_HEADERS);
      case 'restricted-location':
        if (f.via === 'cdn') {
          return htmlOutcome(403, countryBlockHtml(this.engine.clientOrderId()), false, CLOUDFRONT_HEADERS);
        }
        return jsonOutcome(451, RESTRICTED_LOCATION);
      default:
        throw new Error(`fault ${f.kind} has no answer of its own`);
    }
  }

  private finish(
    res: ServerResponse,
    entry: RequestLogEntry,
    outcome: Outcome,
    fault: FaultSpec | undefined,
    orderAccount: string | undefined,
    filled: number,
  ): void {
    const t = entry.time;
    entry.status = outcome.status;
    entry.code = outcome.code;
    const headers: string[] = ['Content-Type', outcome.contentType, 'Date', this.dateHeader(t)];
    if (outcome.binanceHeaders) {
      this.limiter.weightHeaders(entry.ip, t, headers);
      if (orderAccount !== undefined) this.limiter.orderHeaders(orderAccount, t, headers);
    }
    if (outcome.retryAfterSec !== undefined && this.opts.retryAfterHeader) {
      headers.push('Retry-After', String(outcome.retryAfterSec));
    }
    if (outcome.extraHeaders) headers.push(...outcome.extraHeaders);
    // The unfilled order count drops once the order's own response has reported it.
    if (filled > 0 && orderAccount !== undefined && this.opts.decrementOrderCountOnFill) {
      this.limiter.releaseOrders(orderAccount, t, filled);
    }
    if (fault?.kind === 'reset') {
      entry.status = 0;
      entry.code = undefined;
      this.record(entry);
      res.socket?.resetAndDestroy();
      return;
    }
    this.record(entry);
    this.deliver(res, outcome, headers, fault);
  }

  /**
   * `Date` on the server's clock (skew included) at `t`, when the request was counted, as Binance's front stamps
   * its answers; Node's own header would follow the host's clock.
   */
  private dateHeader(t: number): string {
    const second = Math.floor(t / 1000);
    if (second !== this.date.second) this.date = { second, text: new Date(second * 1000).toUTCString() };
    return this.date.text;
  }

  private record(entry: RequestLogEntry): void {
    this.log.push(entry);
    this.opts.onRequest?.(entry);
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private deliver(res: ServerResponse, outcome: Outcome, headers: string[], fault: FaultSpec | undefined): void {
    const { responseMs } = this.opts.latency;
    if (responseMs === 0) this.send(res, outcome, headers, fault);
    else
      this.later(responseMs, () => {
        if (!res.destroyed) this.send(res, outcome, headers, fault);
      });
  }

  private send(res: ServerResponse, outcome: Outcome, headers: string[], fault: FaultSpec | undefined): void {
    let body = outcome.body;
    if (fault?.kind === 'malformed-json') body = body.slice(0, Math.max(1, Math.floor(body.length / 2)));
    headers.push('Content-Length', String(Buffer.byteLength(body)));
    switch (fault?.kind) {
      case 'delay':
        this.later(fault.ms, () => {
          if (res.destroyed) return;
          res.writeHead(outcome.status, headers);
          res.end(body);
        });
        return;
      case 'slow-body': {
        const bytes = Buffer.from(body);
        res.writeHead(outcome.status, headers);
        res.flushHeaders();
        const chunks = Math.min(fault.chunks ?? 10, Math.max(1, bytes.length));
        const size = Math.ceil(bytes.length / chunks);
        let sent = 0;
        const step = () => {
          if (res.destroyed) return;
          const next = bytes.subarray(sent, sent + size);
          sent += next.length;
          if (sent >= bytes.length) res.end(next);
          else {
            res.write(next);
            this.later(fault.ms / chunks, step);
          }
        };
        this.later(fault.ms / chunks, step);
        return;
      }
      case 'truncated': {
        const bytes = Buffer.from(body);
        res.writeHead(outcome.status, headers);
        const socket = res.socket;
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => socket?.end());
        return;
      }
      default:
        // A string body lets Node send headers and body in one write instead of a writev of two buffers.
        res.writeHead(outcome.status, headers);
        res.end(body);
    }
  }
}
