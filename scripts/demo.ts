/**
 * `npm start`: a short, narrated tour of binance-errors. By default everything runs against the fake exchange
 * embedded on 127.0.0.1 — no keys, no network. Set BINANCE_BASE_URL (and BINANCE_API_KEY / BINANCE_API_SECRET)
 * to point the clients at a real endpoint such as the Spot testnet instead; only light, read-only calls are
 * made there.
 */
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import { demoClassifier } from './demo-classify.ts';
import { demoClients, sceneGuard, settle } from './demo-clients.ts';

const write = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bar = (fraction: number, width = 30) =>
  `${'█'.repeat(Math.round(Math.min(1, fraction) * width))}${'░'.repeat(width - Math.round(Math.min(1, fraction) * width))}`;

const DEMO_KEY = { apiKey: 'demo-api-key-0123456789abcdef', apiSecret: 'demo-api-secret-0123456789abcdef' };

async function fakeRun(): Promise<void> {
  write(
    'binance-errors demo — no keys, no network: sections 2 to 4 run against a fake Binance exchange on 127.0.0.1\n',
  );
  write(
    '1. Every failure becomes a typed, redacted BinanceError that says whether to retry and whether the order executed.',
  );
  write('   Canned responses (as Binance, its CDN and sockets answer), classified here; nothing is sent:\n');
  demoClassifier(write);

  const summary = new Map<string, string[]>();
  const exchange = (options: Parameters<typeof createFakeExchange>[0] = {}) =>
    createFakeExchange({
      accounts: [{ ...DEMO_KEY, secret: DEMO_KEY.apiSecret, balances: { USDT: '100000' } }],
      ...options,
    });

  write('\n2. A clock 5 s behind the server: the first signed call syncs first, so Binance never answers -1021.');
  {
    const ex = await exchange({ skewMs: 5000 });
    for (const client of names(ex)) {
      const guard = sceneGuard(ex.url, {});
      const [c] = demoClients(ex.url, DEMO_KEY, guard).filter((x) => x.name === client);
      const outcome = await settle(c!.call({ path: '/api/v3/account' }));
      const offset = Math.round(guard.snapshot().clock?.offsetMs ?? 0);
      write(
        `   ${client.padEnd(6)} signed GET /api/v3/account → ${outcome.ok ? 'ok' : outcome.category}; measured offset ${offset} ms; -1021 answers: ${ex.count({ code: -1021 })}`,
      );
      row(summary, client, outcome.ok ? `ok, offset ${offset} ms` : outcome.category, `${ex.count({ code: -1021 })}`);
      guard.close();
    }
    await ex.close();
  }

  write('\n3. A burst of 60 depth requests (weight 5 each) against a limit of 120 weight per window (1 s here):');
  {
    const limit = { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 120 } as const;
    for (const client of names()) {
      const ex = await exchange({ rateLimits: [{ ...limit, intervalMs: 1000 }] });
      const guard = sceneGuard(ex.url, { throttle: { limits: [limit], intervalScale: 1000 / 60_000 } });
      const [c] = demoClients(ex.url, DEMO_KEY, guard).filter((x) => x.name === client);
      let done = 0;
      const started = Date.now();
      const firstWindow = Math.floor(ex.now() / 1000);
      // Live progress only on a terminal; a log gets the final line.
      const progress = setInterval(() => {
        if (process.stdout.isTTY) process.stdout.write(`\r   ${client.padEnd(6)} ${bar(done / 60)} ${done}/60 sent`);
      }, 100);
      await Promise.all(
        Array.from({ length: 60 }, () =>
          c!.call({ path: '/api/v3/depth', params: { symbol: 'BTCUSDT', limit: '100' } }).finally(() => done++),
        ),
      );
      clearInterval(progress);
      const windows = windowUse(ex, 1000, firstWindow, Math.floor(ex.now() / 1000));
      // The burst starts and ends inside a window: only those it spans whole say how much of the limit it used.
      const full = windows.slice(1, -1);
      const used = full.length
        ? `${Math.round((full.reduce((a, b) => a + b, 0) / (full.length * 120)) * 100)}%`
        : 'n/a';
      const answers429 = ex.count({ status: 429 });
      process.stdout.write(
        `\r   ${client.padEnd(6)} ${bar(done / 60)} 60/60 in ${((Date.now() - started) / 1000).toFixed(1)} s; 429 answers: ${answers429}; weight per window ${windows.join(' / ')} of 120 (full windows: ${used})\n`,
      );
      row(summary, client, `${answers429}`, used);
      guard.close();
      await ex.close();
    }
  }

  write(
    '\n4. A 1.5 s -1008 storm under 40 requests per second: the breaker opens and sheds the load, then a probe closes it.',
  );
  for (const client of names()) {
    const ex = await exchange();
    const guard = sceneGuard(ex.url, { breaker: { resetTimeoutMs: 500, volumeThreshold: 3 } });
    const [c] = demoClients(ex.url, DEMO_KEY, guard).filter((x) => x.name === client);
    const states: string[] = [];
    guard.onBreakerStateChange((s) => states.push(s));
    const storm = ex.storm({ durationMs: 1500, match: { path: '/api/v3/ticker/price' } });
    const stormEnds = Date.now() + 1500;
    let offered = 0;
    let offeredInStorm = 0;
    let recoveredAt: number | undefined;
    const calls: Array<Promise<unknown>> = [];
    while (Date.now() < stormEnds + 1500) {
      offered++;
      if (Date.now() < stormEnds) offeredInStorm++;
      calls.push(
        settle(c!.call({ path: '/api/v3/ticker/price', params: { symbol: 'BTCUSDT' } })).then((o) => {
          if (o.ok && recoveredAt === undefined && Date.now() > stormEnds) recoveredAt = Date.now();
        }),
      );
      await sleep(25);
    }
    await Promise.all(calls);
    storm.remove();
    const reached = ex.count({ path: '/api/v3/ticker/price', code: -1008 });
    const recovered = recoveredAt ? `${recoveredAt - stormEnds} ms after the storm` : 'not yet';
    write(
      `   ${client.padEnd(6)} offered ${offeredInStorm} during the storm (${offered} in all); reached the exchange during the storm ${reached}; breaker ${states.join(' → ')}; recovered ${recovered}`,
    );
    row(summary, client, `${reached} of ${offeredInStorm} offered`, recovered);
    guard.close();
    await ex.close();
  }

  write('\nSummary');
  const head = [
    'client',
    'skewed clock',
    '-1021s',
    'burst 429s',
    'weight used',
    'storm: reached the exchange',
    'recovered',
  ];
  const rows = [...summary.entries()].map(([client, cells]) => [client, ...cells]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  write(line(head));
  write(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) write(line(r));
  write('\nDone. `npm test` runs the same scenarios, with assertions, for every client.');
}

/** Every demo client, by name. */
function names(ex?: FakeExchange): string[] {
  const guard = sceneGuard(ex?.url ?? 'http://127.0.0.1:1', { clock: false });
  const list = demoClients(ex?.url ?? 'http://127.0.0.1:1', DEMO_KEY, guard).map((c) => c.name);
  guard.close();
  return list;
}

function row(summary: Map<string, string[]>, client: string, ...cells: string[]) {
  summary.set(client, [...(summary.get(client) ?? []), ...cells]);
}

/** Weight the exchange counted in each window from number `first` to number `last`, in order. */
function windowUse(ex: FakeExchange, windowMs: number, first: number, last: number): number[] {
  const byWindow = Array<number>(last - first + 1).fill(0);
  for (const r of ex.requests) byWindow[Math.floor(r.time / windowMs) - first]! += r.weight;
  return byWindow;
}

async function realRun(baseUrl: string): Promise<void> {
  const apiKey = process.env.BINANCE_API_KEY;
  const apiSecret = process.env.BINANCE_API_SECRET;
  write(`binance-errors demo — against ${baseUrl} (read-only calls)\n`);
  demoClassifier(write);
  const guard = sceneGuard(baseUrl, {});
  for (const client of demoClients(baseUrl, { apiKey: apiKey ?? 'none', apiSecret: apiSecret ?? 'none' }, guard)) {
    const ping = await settle(client.call({ path: '/api/v3/ping' }));
    write(`   ${client.name.padEnd(6)} GET /api/v3/ping → ${ping.ok ? 'ok' : ping.category}`);
    if (apiKey && apiSecret) {
      const account = await settle(client.call({ path: '/api/v3/account' }));
      write(`   ${client.name.padEnd(6)} signed GET /api/v3/account → ${account.ok ? 'ok' : account.category}`);
    }
  }
  write(`\nGuard state: ${JSON.stringify(guard.snapshot().clock)}`);
  guard.close();
}

const base = process.env.BINANCE_BASE_URL;
await (base ? realRun(base) : fakeRun());
