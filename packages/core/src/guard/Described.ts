import { headerValue } from '../common/headerValue.ts';
import type { ApiProfile } from '../profiles/ApiProfile.ts';
import { normalizePath } from '../weights/normalizePath.ts';
import { ParamReader } from '../weights/ParamReader.ts';
import type { EndpointSpec, EndpointTable } from '../weights/types.ts';
import { costOf, type EndpointWeight } from '../weights/weightOf.ts';
import type { CallOptions, GuardRequest } from './transport.ts';

/** A request as the guard reads it: the caller's unsigned originals, what it costs and how it must be sent. */
export interface Described {
  method: string;
  origin: string;
  path: string;
  /** The caller's query parameters, unsigned, in order (parsed the first time they are read). */
  readonly query: URLSearchParams;
  /** The caller's URL as given, for requests the guard does not re-sign. */
  rawUrl: string;
  body: string | undefined;
  /** What it costs against the rate limits, as the profile's endpoint table says; `cost.path` picks its budget. */
  cost: EndpointWeight;
  signed: boolean;
  apiKeyOnly: boolean;
  /** A cancel, or an order the API serves while it sheds load: passes an open breaker and queues ahead. */
  reducesExposure: boolean;
  /** An order placement (the profile's `isPlacement`). */
  placement: boolean;
  /** The exchange-information endpoint, whose answer teaches the limiter the server's limits. */
  exchangeInfo: boolean;
  label: string;
  /** Server-clock ms after which the last signed attempt can no longer execute: its timestamp + recvWindow. */
  expiresAt?: number;
  /** How many clock syncs had completed when the last attempt was stamped (see `ServerClock.resyncSince`). */
  stampedSyncs?: number;
  /** The `X-MBX-APIKEY` the caller set itself, if any. */
  callerKey: string | undefined;
  /** The `signature` the caller's query carries already, if any. */
  callerSignature: string | undefined;
}

/** What a method and a URL up to its query say about every request to them. */
interface Endpoint {
  origin: string;
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
  /** The query of this endpoint's latest request that `URL` keeps verbatim: the same query is not tested again. */
  recentQuery: string | undefined;
  /** What `recentQuery` costs, once a request without a body and without signing has asked. */
  recentCost: EndpointWeight | undefined;
}

/** Endpoints remembered per method; a process talks to a few dozen, so a full cache is simply started again. */
const MAX_ENDPOINTS = 512;

/**
 * A query string `URL` keeps exactly as written: printable ASCII without the characters its parser percent-encodes
 * in a query (`"`, `'`, `<`, `>`) and without `#`. Any other query goes through `URL`, so both paths agree.
 */
const VERBATIM_QUERY = /^[!$-&(-;=?-~]*$/;

/**
 * Reads requests as the guard needs them, for one profile and endpoint table. What depends only on the method and
 * the URL before its query — origin, path, table entry, the cost where no parameter changes it — is worked out once
 * per endpoint, and the query is parsed only when something reads a parameter: most requests are repeats of a few
 * endpoints, and most are not signed. The table is read once per endpoint.
 */
export class RequestReader {
  readonly #profile: ApiProfile;
  readonly #endpoints: EndpointTable;
  readonly #defaultWeight: number;
  /** Endpoints by method, then by the URL up to its query. */
  readonly #known = new Map<string, Map<string, Endpoint>>();
  /**
   * The latest request read by its string URL (method and URL as given) and what it was read as: a repeat skips
   * the parsing. Only the reading that sets an endpoint's `recentQuery` sets this, so `query` is still its
   * endpoint's `recentQuery`.
   */
  #last:
    | { givenMethod: unknown; url: string; method: string; endpoint: Endpoint; query: string; rawUrl: string }
    | undefined;

  constructor(profile: ApiProfile, endpoints: EndpointTable, defaultWeight: number) {
    this.#profile = profile;
    this.#endpoints = endpoints;
    this.#defaultWeight = defaultWeight;
  }

  /** Reads `request`: its parts, its cost, whether it is signed and whether it reduces exposure. */
  describe(request: GuardRequest, call: CallOptions): Described {
    const url = request.url;
    const last = this.#last;
    if (last !== undefined && url === last.url && request.method === last.givenMethod) {
      // The same request again (the same ticker, the same book): read as it was then.
      return this.#build(last.method, last.endpoint, last.query, last.rawUrl, request, call);
    }
    const method = String(request.method ?? 'GET').toUpperCase();
    if (typeof url !== 'string' || url.includes('#')) {
      return this.#describeParsed(method, url instanceof URL ? url : new URL(url), request, call);
    }
    const q = url.indexOf('?');
    const prefix = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? '' : url.slice(q + 1);
    const endpoint = this.#endpoint(method, prefix);
    if (query !== endpoint.recentQuery) {
      if (!VERBATIM_QUERY.test(query)) return this.#describeParsed(method, new URL(url), request, call);
      endpoint.recentQuery = query;
      endpoint.recentCost = undefined;
    }
    // As `URL` writes it, which keeps a `?` with nothing after it.
    const rawUrl = prefix === endpoint.href ? url : q === -1 ? endpoint.href : `${endpoint.href}?${query}`;
    this.#last = { givenMethod: request.method, url, method, endpoint, query, rawUrl };
    return this.#build(method, endpoint, query, rawUrl, request, call);
  }

  #describeParsed(method: string, url: URL, request: GuardRequest, call: CallOptions): Described {
    const endpoint = this.#endpoint(method, `${url.origin}${url.pathname}`);
    return this.#build(method, endpoint, url.search.slice(1), url.href, request, call);
  }

  #build(
    method: string,
    endpoint: Endpoint,
    search: string,
    rawUrl: string,
    request: GuardRequest,
    call: CallOptions,
  ): Described {
    const body = request.body;
    const req = new ReadRequest(method, endpoint, search, rawUrl, body, callerKeyOf(request.headers));
    if (body) {
      // Query and body together, the query winning a name both give, as the exchange reads them.
      const merged = new URLSearchParams(body);
      for (const [k, v] of req.query) merged.set(k, v);
      this.#readParams(req, endpoint, merged);
    } else if (endpoint.signed) {
      this.#readParams(req, endpoint, req.query);
    } else if (endpoint.fixedCost === undefined) {
      // Its weight rule reads a parameter or two straight from the query text; signing will not need it parsed.
      // A repeat of the endpoint's latest query (the same ticker, the same depth) costs what it cost then.
      const recent = search === endpoint.recentQuery;
      if (recent && endpoint.recentCost !== undefined) req.cost = endpoint.recentCost;
      else {
        this.#readParams(req, endpoint, `?${search}`);
        if (recent) endpoint.recentCost = req.cost;
      }
    }
    // A query without the name, plain or percent-encoded, has no signature: most are not parsed at all.
    if (search.includes('signature') || search.includes('%'))
      req.callerSignature = req.query.get('signature') ?? undefined;
    req.signed = call.signed ?? (req.cost.signed || req.callerSignature !== undefined);
    return req;
  }

  /** What the parameters decide: the cost where a rule reads them, and whether an order reduces exposure. */
  #readParams(req: ReadRequest, endpoint: Endpoint, params: URLSearchParams | string): void {
    if (endpoint.fixedCost === undefined) {
      req.cost = costOf(endpoint.spec, endpoint.normalised, this.#defaultWeight, new ParamReader(params));
    }
    req.reducesExposure ||= endpoint.signed && this.#profile.isOverloadExempt(req.method, endpoint.path, params);
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
    const endpoint: Endpoint = {
      origin: url.origin,
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
      recentQuery: undefined,
      recentCost: undefined,
    };
    if (byPrefix === undefined || byPrefix.size >= MAX_ENDPOINTS) {
      byPrefix = new Map();
      this.#known.set(method, byPrefix);
    }
    byPrefix.set(prefix, endpoint);
    return endpoint;
  }
}

/** One request as {@link RequestReader} reads it. */
class ReadRequest implements Described {
  readonly method: string;
  readonly origin: string;
  readonly path: string;
  readonly rawUrl: string;
  readonly body: string | undefined;
  cost: EndpointWeight;
  signed = false;
  readonly apiKeyOnly: boolean;
  reducesExposure: boolean;
  readonly placement: boolean;
  readonly exchangeInfo: boolean;
  readonly label: string;
  expiresAt?: number;
  stampedSyncs?: number;
  readonly callerKey: string | undefined;
  callerSignature: string | undefined;
  readonly #search: string;
  #query: URLSearchParams | undefined;

  constructor(
    method: string,
    endpoint: Endpoint,
    search: string,
    rawUrl: string,
    body: string | undefined,
    callerKey: string | undefined,
  ) {
    this.method = method;
    this.origin = endpoint.origin;
    this.path = endpoint.path;
    this.rawUrl = rawUrl;
    this.body = body;
    this.cost = endpoint.fixedCost!;
    this.apiKeyOnly = endpoint.apiKeyOnly;
    this.reducesExposure = endpoint.cancel;
    this.placement = endpoint.placement;
    this.exchangeInfo = endpoint.exchangeInfo;
    this.label = endpoint.label;
    this.callerKey = callerKey;
    this.#search = search;
  }

  get query(): URLSearchParams {
    // With its `?`, which URLSearchParams drops once: a query that starts with `?` keeps it, as in `URL`.
    this.#query ??= new URLSearchParams(`?${this.#search}`);
    return this.#query;
  }
}

/** The `X-MBX-APIKEY` the caller set on its own request, if any. */
function callerKeyOf(headers: unknown): string | undefined {
  const value = headerValue(headers, 'x-mbx-apikey', 'X-MBX-APIKEY');
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.map(String).join(', ') : String(value);
}
