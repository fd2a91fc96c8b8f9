import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DEFAULT_RATE_LIMITS,
  type FakeRateLimit,
  type RateLimitInterval,
  type RateLimitType,
  USDM_RATE_LIMITS,
} from '../limits/RateLimit.ts';
import type { FakeExchangeOptions } from '../options/FakeExchangeOptions.ts';

/** The demo account the CLI creates when no key is given. Its secret is public on purpose: it only opens the fake. */
export const DEMO_ACCOUNT = Object.freeze({
  apiKey: 'fake-exchange-demo-api-key',
  secret: 'fake-exchange-demo-api-secret',
});

/** What the command line asks for. */
export interface CliConfig {
  options: FakeExchangeOptions;
  /** Length of a -1008 storm to start with, in ms. */
  stormMs: number | undefined;
  /** Print one line per request. */
  verbose: boolean;
  help: boolean;
  /** Whether the demo key pair is in use (and may be printed). */
  demoKey: boolean;
}

/** The `--help` text. */
export const USAGE = `Usage: binance-fake-exchange [options]

A fake Binance Spot (or USDⓈ-M Futures) REST exchange on loopback, for testing trading code.

  --product <spot|usdm>    which API to play: spot (/api/v3) or usdm, USDⓈ-M Futures (/fapi) (default spot)
  --port <n>               TCP port (default 0: any free port)
  --host <addr>            address to bind (default 127.0.0.1)
  --skew <ms>              server clock skew in ms (server = local clock + skew)
  --weight <spec>          REQUEST_WEIGHT limit, e.g. 1200/1m or 1200/1m@2s (a "minute" lasting 2 s)
  --orders <spec>          ORDERS limit, repeatable, e.g. --orders 50/10s --orders 160000/1d
  --raw <spec>             RAW_REQUESTS limit, e.g. 300000/5m
  --time-scale <n>         divide every window length by n
  --api-key <key>          API key of the account (default: a printed demo key)
  --api-secret <secret>    HMAC secret for --api-key
  --public-key <file>      Ed25519 or RSA public key (PEM file) for --api-key, instead of --api-secret
  --balance <ASSET=amount> starting balance, repeatable (default USDT=100000 BTC=1 ETH=10)
  --storm <duration>       answer every request 503 -1008 for this long after start, e.g. 10s
  --ban-after <n>          429 answers tolerated per window before a 418 ban (default 3)
  --ban-durations <list>   escalating ban lengths, e.g. 2m,10m,1h
  --client-ip-header <h>   key limits by this request header instead of the socket address
  --seed <n>               PRNG seed for fault probabilities and generated ids
  --verbose                print one line per request
  --help                   show this text

Durations: 500ms, 10s, 2m, 1h, 1d (a bare number is ms). Interval units in specs: s, m, h, d.`;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const UNIT_INTERVAL: Record<string, RateLimitInterval> = { s: 'SECOND', m: 'MINUTE', h: 'HOUR', d: 'DAY' };

/** Parses `10s`, `500ms`, `2m`, `1h`, `1d` or a bare number of ms. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new RangeError(`${flag}: expected a duration like 10s or 500ms, got ${text}`);
  return Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!;
}

/** Parses a limit spec `LIMIT/<n><unit>[@duration]`, e.g. `1200/1m` or `100/1m@2s`. */
export function parseLimitSpec(text: string, type: RateLimitType, flag: string): FakeRateLimit {
  const m = /^(\d+)\/(\d+)([smhd])(?:@(.+))?$/.exec(text.trim());
  if (!m) throw new RangeError(`${flag}: expected LIMIT/<n><s|m|h|d>[@duration] like 1200/1m, got ${text}`);
  const limit: FakeRateLimit = {
    rateLimitType: type,
    interval: UNIT_INTERVAL[m[3]!]!,
    intervalNum: Number(m[2]),
    limit: Number(m[1]),
  };
  if (m[4] !== undefined) limit.intervalMs = parseDuration(m[4], flag);
  return limit;
}

function number(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new RangeError(`${flag}: expected a number, got ${text}`);
  return n;
}

/** Turns `argv` (without node and the script) into exchange options. Throws RangeError/TypeError naming the flag. */
export function parseCliArgs(argv: readonly string[]): CliConfig {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      product: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      skew: { type: 'string' },
      weight: { type: 'string' },
      orders: { type: 'string', multiple: true },
      raw: { type: 'string' },
      'time-scale': { type: 'string' },
      'api-key': { type: 'string' },
      'api-secret': { type: 'string' },
      'public-key': { type: 'string' },
      balance: { type: 'string', multiple: true },
      storm: { type: 'string' },
      'ban-after': { type: 'string' },
      'ban-durations': { type: 'string' },
      'client-ip-header': { type: 'string' },
      seed: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const options: FakeExchangeOptions = {};
  const product = values.product ?? 'spot';
  if (product !== 'spot' && product !== 'usdm')
    throw new RangeError(`--product: expected spot or usdm, got ${product}`);
  if (values.product !== undefined) options.product = product;
  const port = number(values.port, '--port');
  if (port !== undefined) options.port = port;
  if (values.host !== undefined) options.host = values.host;
  const skew = number(values.skew, '--skew');
  if (skew !== undefined) options.skewMs = skew;
  const scale = number(values['time-scale'], '--time-scale');
  if (scale !== undefined) options.timeScale = scale;
  const seed = number(values.seed, '--seed');
  if (seed !== undefined) options.seed = seed;
  if (values['client-ip-header'] !== undefined) options.clientIpHeader = values['client-ip-header'];

  if (values.weight !== undefined || values.orders !== undefined || values.raw !== undefined) {
    const defaults = product === 'usdm' ? USDM_RATE_LIMITS : DEFAULT_RATE_LIMITS;
    const keep = (type: RateLimitType) => defaults.filter((l) => l.rateLimitType === type);
    options.rateLimits = [
      ...(values.weight !== undefined
        ? [parseLimitSpec(values.weight, 'REQUEST_WEIGHT', '--weight')]
        : keep('REQUEST_WEIGHT')),
      ...(values.orders !== undefined
        ? values.orders.map((o) => parseLimitSpec(o, 'ORDERS', '--orders'))
        : keep('ORDERS')),
      ...(values.raw !== undefined ? [parseLimitSpec(values.raw, 'RAW_REQUESTS', '--raw')] : keep('RAW_REQUESTS')),
    ];
  }

  if (values['ban-after'] !== undefined || values['ban-durations'] !== undefined) {
    const after = number(values['ban-after'], '--ban-after');
    const durations = values['ban-durations']?.split(',').map((d) => parseDuration(d, '--ban-durations'));
    options.ban = {
      ...(after !== undefined ? { after429s: after } : {}),
      ...(durations ? { durationsMs: durations } : {}),
    };
  }

  const balances: Record<string, string> = {};
  for (const b of values.balance ?? ['USDT=100000', 'BTC=1', 'ETH=10']) {
    const [asset, amount] = b.split('=');
    if (!asset || amount === undefined) throw new RangeError(`--balance: expected ASSET=amount, got ${b}`);
    balances[asset] = amount;
  }
  const apiKey = values['api-key'];
  if (apiKey === undefined && (values['api-secret'] !== undefined || values['public-key'] !== undefined)) {
    throw new TypeError('--api-secret and --public-key need --api-key');
  }
  if (apiKey === undefined) options.accounts = [{ ...DEMO_ACCOUNT, balances }];
  else if (values['public-key'] !== undefined) {
    options.accounts = [{ apiKey, publicKey: readFileSync(values['public-key'], 'utf8'), balances }];
  } else {
    if (values['api-secret'] === undefined) throw new TypeError('--api-key needs --api-secret or --public-key');
    options.accounts = [{ apiKey, secret: values['api-secret'], balances }];
  }

  return {
    options,
    stormMs: values.storm === undefined ? undefined : parseDuration(values.storm, '--storm'),
    verbose: values.verbose,
    help: values.help,
    demoKey: apiKey === undefined,
  };
}
