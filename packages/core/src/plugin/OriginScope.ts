/** Binance's official Spot REST origins: the plugin acts on them wherever the client points. */
export const BINANCE_SPOT_ORIGINS: readonly string[] = [
  'https://api.binance.com',
  'https://api-gcp.binance.com',
  'https://api1.binance.com',
  'https://api2.binance.com',
  'https://api3.binance.com',
  'https://api4.binance.com',
  'https://testnet.binance.vision',
  'https://data-api.binance.vision',
];

/**
 * Which requests the plugin acts on: those to the client's own base URL, to Binance's official Spot origins, and
 * to the origins the user lists. Every other request — a webhook, another API on the same client — passes the
 * plugin untouched: no key, no signature, no throttle, no error translation.
 */
export class OriginScope {
  readonly #origins: ReadonlySet<string>;

  /** @param extra Origins (or URLs on them) to act on besides Binance's own, e.g. a proxy or a relay. */
  constructor(extra: readonly string[] = []) {
    this.#origins = new Set([...BINANCE_SPOT_ORIGINS, ...extra.map((o) => originOf(o) ?? o)]);
  }

  /**
   * Whether the plugin acts on a request to `url`. `base` is the client's own base URL for the request (axios
   * `baseURL`, ky `prefix`/`baseUrl`, got `prefixUrl`), if it has one: requests on its origin are in scope.
   */
  covers(url: string | URL, base?: string | URL | undefined): boolean {
    const origin = originOf(url);
    if (origin === undefined) return false;
    if (this.#origins.has(origin)) return true;
    return base !== undefined && base !== '' && originOf(base) === origin;
  }
}

function originOf(url: string | URL): string | undefined {
  const parsed = url instanceof URL ? url : safeUrl(url);
  return parsed && /^https?:$/.test(parsed.protocol) ? parsed.origin : undefined;
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
