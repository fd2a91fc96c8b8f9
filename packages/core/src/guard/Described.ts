import { isIdempotentMethod } from '../catalog/policy.ts';
import { headerValue } from '../common/headerValue.ts';
import type { ApiProfile } from '../profiles/ApiProfile.ts';
import type { AcquireRequest } from '../throttle/types.ts';
import { normalizePath } from '../weights/normalizePath.ts';
import { ParamReader } from '../weights/ParamReader.ts';
import type { EndpointSpec, EndpointTable } from '../weights/types.ts';
import { costOf, type EndpointWeight } from '../weights/weightOf.ts';
import { mayCarry } from './requestParams.ts';
import type { CallOptions, GuardRequest } from './transport.ts';

/** A request as the guard reads it: the caller's unsigned originals, what it costs and how it must be sent. */
export interface Described {
  readonly method: string;
  readonly origin: string;
  /** The origin and a gateway's path prefix, if any: where the profile's own endpoints (time, order lookup) are. */
  readonly base: string;
  readonly path: string;
  /** The caller's query parameters, unsigned, in order (parsed the first time they are read). */
  readonly query: URLSearchParams;
  /**
   * The query to sign: {@link query} once something has read or changed it, otherwise the caller's query text
   * after its `?`, as `URL` keeps it (most signed requests are signed without parsing it).
   */
  readonly unsignedQuery: URLSearchParams | string;
  /** The caller's URL as given, for requests the guard does not re-sign. */
  readonly rawUrl: string;
  readonly body: string | undefined;
  /** What it costs against the rate limits, as the profile's endpoint table says; `cost.path` picks its budget. */
  readonly cost: EndpointWeight;
  readonly signed: boolean;
  readonly apiKeyOnly: boolean;
  /** A cancel, or an order the API serves while it sheds load: passes an open breaker and queues ahead. */
  readonly reducesExposure: boolean;
  /** An order placement (the profile's `isPlacement`). */
  readonly placement: boolean;
  /** Signed and not a read (nor a test order): it may place, change or cancel an order, so never sent twice. */
  readonly mayChangeOrders: boolean;
  /** The exchange-information endpoint, whose answer teaches the limiter the server's limits. */
  readonly exchangeInfo: boolean;
  /** Whether its answers' usage headers count: Binance says to ignore some endpoints' (see `EndpointSpec`). */
  readonly usageHeaderTrusted: boolean;
  readonly label: string;
  /**
   * What the limiter is asked for this request's budget, without the call's signal or wait limit: the same object
   * for every request to the same URL (frozen), so that a request admitted at once builds none.
   */
  readonly admission: AcquireRequest;
  /** Server-clock ms after which the last signed attempt can no longer execute: its timestamp + recvWindow. */
  expiresAt?: number;
  /** How many clock syncs had completed when the last attempt was stamped (see `ServerClock.resyncSince`). */
  stampedSyncs?: number;
  /**
   * Without a clock: the wall clock less `steadyNow()` when the last attempt was stamped. Its stamp is the exchange's
   * time as far as the guard knows, and `steadyNow() + stampOffset` goes on from it whatever the wall clock does.
   */
  stampOffset?: number;
  /** The `X-MBX-APIKEY` the caller set itself, if any. */
  readonly callerKey: string | undefined;
  /** The `signature` the caller's query carries already, if any. */
  readonly callerSignature: string | undefined;
}

/** What a method and a URL up to its query say about every request to them. */
interface Endpoint {
  origin: string;
  base: string;
  path: string;
  /** The URL up to its query, as `URL` serialises it. */
  href: string;
  label: string;
  spec: EndpointSpec | undefined;
  normalised: string;
  /** The cost, where no parameter changes it. */
  fixedCost: EndpointWeight | undefined;
  apiKeyOnly: boolean;
  /** SIGNED in the table: only such an endpoint (an order) is asked whether a request is exempt from overload. */
  signed: boolean;
  cancel: boolean;
  placement: boolean;
  exchangeInfo: boolean;
  /** A test order (`…/order/test`) or a setting: it changes no order whatever its outcome (not on the ledger). */
  changesNoOrder: boolean;
}

/**
 * What a method, a URL and a body say about a request: everything but its headers and the call's options. For a
 * request without a body this depends on the method and the URL alone, so it is read once per URL.
 */
interface Reading {
  /** The method as the caller gave it (a repeat must give the same). */
  givenMethod: unknown;
  method: string;
  endpoint: Endpoint;
  /** The query after its `?`, as `URL` keeps it. */
  search: string;
  rawUrl: string;
  cost: EndpointWeight;
  reducesExposure: boolean;
  callerSignature: string | undefined;
  /** {@link Described.admission}, made the first time a request asks. */
  admission?: AcquireRequest;
}

/** Endpoints remembered per method; a process talks to a few dozen, so a full cache is simply started again. */
const MAX_ENDPOINTS = 512;
/** Readings of body-less requests remembered by URL; when full, the cache is simply started again. */
const MAX_READINGS = 512;

/**
 * A query string `URL` keeps exactly as written: printable ASCII without the characters its parser percent-encodes
 * in a query (`"`, `'`, `<`, `>`) and without `#`. Any other query goes through `URL`, so both paths agree.
 */
const VERBATIM_QUERY = /^[!$-&(-;=?-~]*$/;

/**
 * Reads requests as the guard needs them, for one profile and endpoint table. What depends only on the method and
 * the URL before its query — origin, path, table entry, the cost where no parameter changes it — is worked out once
 * per endpoint; what a body-less request's URL says — its cost, whether it reduces exposure, a signature of the
 * caller's — once per URL: most requests are repeats of a few URLs (a ticker polled, open orders checked). The
 * query is parsed only when something reads a parameter, and the table is read once per endpoint.
 */
export class RequestReader {
  readonly #profile: ApiProfile;
  readonly #endpoints: EndpointTable;
  readonly #defaultWeight: number;
  /** Endpoints by method, then by the URL up to its query. */
  readonly #known = new Map<string, Map<string, Endpoint>>();
  /** Readings of body-less requests by their URL as given, without those carrying a signature (never repeated). */
  readonly #readings = new Map<string, Reading>();

  constructor(profile: ApiProfile, endpoints: EndpointTable, defaultWeight: number) {
    this.#profile = profile;
    this.#endpoints = endpoints;
    this.#defaultWeight = defaultWeight;
  }

  /** Reads `request`: its parts, its cost, whether it is signed and whether it reduces exposure. */
  describe(request: GuardRequest, call: CallOptions): Described {
    const reading = this.#reading(request);
    const req = new ReadRequest(reading, request.body, callerKeyOf(request.headers));
    req.signed = call.signed ?? (reading.cost.signed || reading.callerSignature !== undefined);
    return req;
  }

  #reading(request: GuardRequest): Reading {
    const { url, body } = request;
    if (typeof url !== 'string') {
      return this.#readParsed(request, methodOf(request), url instanceof URL ? url : new URL(url));
    }
    const known = body ? undefined : this.#readings.get(url);
    if (known !== undefined && known.givenMethod === request.method) return known;
    const method = methodOf(request);
    let reading: Reading;
    if (url.includes('#')) reading = this.#readParsed(request, method, new URL(url));
    else {
      const q = url.indexOf('?');
      const prefix = q === -1 ? url : url.slice(0, q);
      const query = q === -1 ? '' : url.slice(q + 1);
      if (!VERBATIM_QUERY.test(query)) reading = this.#readParsed(request, method, new URL(url));
      else {
        const endpoint = this.#endpoint(method, prefix);
        // As `URL` writes it, which keeps a `?` with nothing after it.
        const rawUrl = prefix === endpoint.href ? url : q === -1 ? endpoint.href : `${endpoint.href}?${query}`;
        reading = this.#read(request, method, endpoint, query, rawUrl);
      }
    }
    if (!body && reading.callerSignature === undefined) {
      if (this.#readings.size >= MAX_READINGS) this.#readings.clear();
      this.#readings.set(url, reading);
    }
    return reading;
  }

  #readParsed(request: GuardRequest, method: string, url: URL): Reading {
    const endpoint = this.#endpoint(method, `${url.origin}${url.pathname}`);
    return this.#read(request, method, endpoint, url.search.slice(1), url.href);
  }

  /** What the parameters decide: the cost where a rule reads them, whether an order reduces exposure, a signature. */
  #read(request: GuardRequest, method: string, endpoint: Endpoint, search: string, rawUrl: string): Reading {
    let query: URLSearchParams | undefined;
    let params: URLSearchParams | string | undefined;
    const body = request.body;
    if (body) {
      // Query and body together, the query winning a name both give, as the exchange reads them.
      query = parseQuery(search);
      params = new URLSearchParams(body);
      for (const [k, v] of query) params.set(k, v);
    } else if (endpoint.signed) {
      query = parseQuery(search);
      params = query;
    } else if (endpoint.fixedCost === undefined) {
      // Its weight rule reads a parameter or two straight from the query text.
      params = `?${search}`;
    }
    // Without a fixed cost, one of the branches above gave the parameters its rule reads.
    const cost =
      endpoint.fixedCost ?? costOf(endpoint.spec, endpoint.normalised, this.#defaultWeight, new ParamReader(params!));
    const reducesExposure =
      endpoint.cancel ||
      (endpoint.signed && params !== undefined && this.#profile.isOverloadExempt(method, endpoint.path, params));
    // A query without the name, plain or percent-encoded, has no signature: most are not parsed at all.
    const callerSignature = mayCarry(search, 'signature')
      ? ((query ?? parseQuery(search)).get('signature') ?? undefined)
      : undefined;
    return { givenMethod: request.method, method, endpoint, search, rawUrl, cost, reducesExposure, callerSignature };
  }

  #endpoint(method: string, prefix: string): Endpoint {
    let byPrefix = this.#known.get(method);
    const known = byPrefix?.get(prefix);
    if (known !== undefined) return known;
    const url = new URL(prefix);
    const path = url.pathname;
    const normalised = normalizePath(path);
    const spec = this.#endpoints.get(`${method} ${normalised}`);
    const cost = costOf(spec, normalised, this.#defaultWeight, undefined);
    // A gateway's prefix is what comes before the API's own path (`/binance-futures` of `/binance-futures/fapi/…`).
    const api = path.lastIndexOf(normalised);
    const endpoint: Endpoint = {
      origin: url.origin,
      base: api > 0 ? url.origin + path.slice(0, api) : url.origin,
      path,
      href: url.href,
      label: `${method} ${path}`,
      spec,
      normalised,
      fixedCost: spec?.rule === undefined ? cost : undefined,
      apiKeyOnly: spec?.security === 'API_KEY',
      signed: cost.signed,
      cancel: this.#profile.isCancel(method, path),
      placement: this.#profile.isPlacement(method, path),
      exchangeInfo: this.#profile.isExchangeInfo(method, path),
      changesNoOrder: this.#profile.changesNoOrder(method, path),
    };
    if (byPrefix === undefined || byPrefix.size >= MAX_ENDPOINTS) {
      byPrefix = new Map();
      this.#known.set(method, byPrefix);
    }
    byPrefix.set(prefix, endpoint);
    return endpoint;
  }
}

/** One request as {@link RequestReader} reads it: its reading, and what is its own. */
class ReadRequest implements Described {
  readonly #reading: Reading;
  readonly body: string | undefined;
  readonly callerKey: string | undefined;
  signed = false;
  expiresAt?: number;
  stampedSyncs?: number;
  stampOffset?: number;
  #query: URLSearchParams | undefined;

  constructor(reading: Reading, body: string | undefined, callerKey: string | undefined) {
    this.#reading = reading;
    this.body = body;
    this.callerKey = callerKey;
  }

  get method(): string {
    return this.#reading.method;
  }
  get origin(): string {
    return this.#reading.endpoint.origin;
  }
  get base(): string {
    return this.#reading.endpoint.base;
  }
  get path(): string {
    return this.#reading.endpoint.path;
  }
  get rawUrl(): string {
    return this.#reading.rawUrl;
  }
  get cost(): EndpointWeight {
    return this.#reading.cost;
  }
  get apiKeyOnly(): boolean {
    return this.#reading.endpoint.apiKeyOnly;
  }
  get reducesExposure(): boolean {
    return this.#reading.reducesExposure;
  }
  get placement(): boolean {
    return this.#reading.endpoint.placement;
  }
  get mayChangeOrders(): boolean {
    return this.signed && !isIdempotentMethod(this.method) && !this.#reading.endpoint.changesNoOrder;
  }
  get exchangeInfo(): boolean {
    return this.#reading.endpoint.exchangeInfo;
  }
  get usageHeaderTrusted(): boolean {
    return this.#reading.endpoint.spec?.usageHeaderIgnored !== true;
  }
  get label(): string {
    return this.#reading.endpoint.label;
  }
  get callerSignature(): string | undefined {
    return this.#reading.callerSignature;
  }

  get admission(): AcquireRequest {
    const reading = this.#reading;
    reading.admission ??= Object.freeze({
      ...reading.cost,
      priority: reading.reducesExposure ? 'cancel' : 'normal',
      label: reading.endpoint.label,
    });
    return reading.admission;
  }

  get query(): URLSearchParams {
    this.#query ??= parseQuery(this.#reading.search);
    return this.#query;
  }

  get unsignedQuery(): URLSearchParams | string {
    return this.#query ?? this.#reading.search;
  }
}

/** The method as the exchange reads it: a JavaScript caller may leave it out, which is GET. */
function methodOf(request: GuardRequest): string {
  return String(request.method ?? 'GET').toUpperCase();
}

/** Parses a query after its `?`: with a `?` put back, which URLSearchParams drops once, so a leading `?` stays. */
function parseQuery(search: string): URLSearchParams {
  return new URLSearchParams(`?${search}`);
}

/** The `X-MBX-APIKEY` the caller set on its own request, if any. */
function callerKeyOf(headers: unknown): string | undefined {
  const value = headerValue(headers, 'x-mbx-apikey', 'X-MBX-APIKEY');
  if (value === undefined || value === null) return undefined;
  return (Array.isArray(value) ? value.map(String).join(', ') : String(value)).trim();
}
