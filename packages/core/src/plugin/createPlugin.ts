import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { BinanceGuard } from '../guard/BinanceGuard.ts';
import { type CredentialOptions, Credentials } from '../guard/Credentials.ts';
import type { BinanceGuardOptions } from '../guard/options.ts';
import type { CallOptions } from '../guard/transport.ts';
import { validatePluginOptions, validateRequestOptions } from '../options/validateOptions.ts';
import { officialProfile } from '../profiles/profileForOrigin.ts';
import { OriginScope, originOf } from './OriginScope.ts';

/** The options every adapter's `binanceErrors()` takes. */
export interface BinanceErrorsOptions extends CredentialOptions, BinanceGuardOptions {
  /** `recvWindow` for signed requests, in ms: at most 60000, up to three decimals. @default 5000 */
  recvWindow?: number | undefined;
  /** After an unknown outcome of an order placement, query the order by its client order id. @default false */
  reconcile?: boolean | undefined;
  /**
   * Origins the plugin acts on besides the client's own base URL and Binance's official hosts of every product (a proxy, a
   * relay, the fake exchange), as absolute URLs. Requests to any other origin pass the plugin untouched.
   * @example ['https://binance-proxy.internal:8443']
   */
  origins?: readonly string[] | undefined;
  /**
   * Share state explicitly. By default one guard per origin is shared in the process (`BinanceGuard.shared`),
   * so every client on the same host shares one budget, clock and breaker.
   */
  guard?: BinanceGuard | undefined;
}

/** Per-request settings: axios `config.binance`, ky `context.binance`, got `context.binance`. */
export interface BinanceRequestOptions {
  /** `false` sends this request past the plugin untouched (no throttle, signing, breaker or error mapping). */
  enabled?: boolean | undefined;
  /** Sign (`true`) or never sign (`false`) this request; by default the endpoint table decides. */
  signed?: boolean | undefined;
  recvWindow?: number | undefined;
  reconcile?: boolean | undefined;
  /** Longest wait for rate-limit budget for this request, ms. */
  maxWaitMs?: number | undefined;
}

/** What an adapter builds once from the user's options. */
export interface BinancePlugin {
  /**
   * Whether the plugin acts on a request to `url`: on the client's base URL `base`, Binance's official hosts and
   * the `origins` option. Adapters pass every other request on untouched. `path`: see {@link OriginScope.covers}.
   */
  covers(url: string | URL, base?: string | URL | undefined, path?: string | undefined): boolean;
  /** The guard for a request's URL: the explicit one, or the process-wide one for its origin. */
  guardFor(url: string | URL): BinanceGuard;
  /** The call options for one request, from the plugin's options and the request's own. */
  callOptions(request?: BinanceRequestOptions | undefined, signal?: AbortSignal | null | undefined): CallOptions;
  /**
   * Which account the plugin signs for: a fingerprint of its API key (not the key), `''` without one. An adapter
   * marks a request it takes on with it, so that another plugin on the same client can tell whose it is.
   */
  readonly account: string;
  /**
   * Throws a `TypeError` when `account`, the mark another plugin on the same client left on a request, names other
   * credentials (both plugins having some): the first plugin to see a request signs it, so the other account's
   * orders would land on its own.
   */
  assertSameAccount(account: unknown, client: string): void;
}

/**
 * Validates the options of `binanceErrors()` and builds what the adapters share: credentials (kept out of
 * `util.inspect` and JSON), the guard per origin, and per-request call options. Bad options throw a
 * TypeError/RangeError naming the option and the value — never the value of a secret.
 */
export function createPlugin(options: BinanceErrorsOptions = {}): BinancePlugin {
  validatePluginOptions(options);
  checkRecvWindow(options.recvWindow, 'recvWindow');
  if (options.guard !== undefined && !(options.guard instanceof BinanceGuard)) {
    throw new TypeError('guard must be a BinanceGuard (from @binance-errors/core)');
  }
  const credentials = new Credentials(options);
  const scope = new OriginScope(options.origins);
  const {
    apiKey: _k,
    apiSecret: _s,
    privateKey: _p,
    recvWindow,
    reconcile,
    guard,
    origins: _o,
    ...guardOptions
  } = options;
  const { product, ...sharedOptions } = guardOptions;
  // Frozen, so that the shared guard checks them against its own the first time only (see BinanceGuard.shared).
  Object.freeze(guardOptions);
  Object.freeze(sharedOptions);
  // What most requests get (no settings of their own, no signal): built once, shared, never changed.
  const defaultCall: CallOptions = Object.freeze({ credentials, recvWindow, reconcile: reconcile ?? false });
  const account =
    credentials.apiKey === undefined ? '' : createHash('sha256').update(credentials.apiKey).digest('hex').slice(0, 16);
  const plugin: BinancePlugin = {
    account,
    assertSameAccount: (other, client) => {
      // A copy of the package older than this check marks with `true`: it cannot tell, and is taken as the same. A
      // plugin without a key signs for no account (a market-data plugin beside a trading one): no order goes astray.
      if (typeof other === 'string' && other !== account && other !== '' && account !== '') {
        throw new TypeError(
          `two binanceErrors() plugins with different credentials are on one ${client} client: the first to see a request signs it with its own key, on its own account. Give each account a client of its own, made from one without the plugin.`,
        );
      }
    },
    covers: (url, base, path) => scope.covers(url, base, path),
    guardFor: (url) => {
      if (guard) return guard;
      const origin = originOf(url) ?? new URL(url).origin;
      // `product` names the API behind origins that do not say it themselves; Binance's own hosts keep theirs.
      if (product !== undefined && officialProfile(origin) !== undefined)
        return BinanceGuard.shared(origin, sharedOptions);
      return BinanceGuard.shared(origin, guardOptions);
    },
    callOptions: (request, signal) => {
      if (request === undefined && (signal === undefined || signal === null)) return defaultCall;
      if (request !== undefined) validateRequestOptions(request);
      checkRecvWindow(request?.recvWindow, 'binance.recvWindow');
      return {
        credentials,
        recvWindow: request?.recvWindow ?? recvWindow,
        signed: request?.signed,
        reconcile: request?.reconcile ?? reconcile ?? false,
        maxWaitMs: request?.maxWaitMs,
        signal: signal ?? undefined,
      };
    },
  };
  Object.defineProperty(plugin, inspect.custom, {
    value: () => `BinancePlugin { credentials: ${inspect(credentials)} }`,
  });
  return plugin;
}

function checkRecvWindow(value: unknown, name: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value > 0 && value <= 60_000)) {
    throw new RangeError(`${name} must be a number of ms in (0, 60000], got ${String(value)}`);
  }
  if (Math.round(value * 1000) !== value * 1000) {
    throw new RangeError(`${name} allows at most three decimals, got ${value}`);
  }
}
