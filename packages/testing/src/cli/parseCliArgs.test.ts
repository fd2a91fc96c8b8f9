import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, parseCliArgs, parseDuration, parseLimitSpec } from './parseCliArgs.ts';

describe('parseCliArgs', () => {
  it('maps the documented flags to exchange options', () => {
    const c = parseCliArgs([
      '--port',
      '8080',
      '--skew',
      '3000',
      '--weight',
      '1200/1m',
      '--orders',
      '50/10s',
      '--orders',
      '1000/1d',
      '--api-key',
      'K',
      '--api-secret',
      'S',
      '--storm',
      '10s',
      '--balance',
      'USDT=500',
      '--ban-after',
      '1',
      '--ban-durations',
      '1s,2s,4s',
    ]);
    expect(c.options).toMatchObject({
      port: 8080,
      skewMs: 3000,
      accounts: [{ apiKey: 'K', secret: 'S', balances: { USDT: '500' } }],
      ban: { after429s: 1, durationsMs: [1000, 2000, 4000] },
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 50 },
        { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 1000 },
        { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 300000 },
      ],
    });
    expect(c.stormMs).toBe(10_000);
    expect(c.demoKey).toBe(false);
  });

  it('uses the demo key pair when no key is given', () => {
    const c = parseCliArgs([]);
    expect(c.options.accounts).toEqual([{ ...DEMO_ACCOUNT, balances: { USDT: '100000', BTC: '1', ETH: '10' } }]);
    expect(c.options.rateLimits).toBeUndefined();
    expect(c.demoKey).toBe(true);
  });

  it('parses durations and limit specs with shortened windows', () => {
    expect([
      parseDuration('500ms', 'x'),
      parseDuration('2m', 'x'),
      parseDuration('1.5s', 'x'),
      parseDuration('42', 'x'),
    ]).toEqual([500, 120_000, 1500, 42]);
    expect(parseLimitSpec('100/1m@2s', 'REQUEST_WEIGHT', '--weight')).toEqual({
      rateLimitType: 'REQUEST_WEIGHT',
      interval: 'MINUTE',
      intervalNum: 1,
      limit: 100,
      intervalMs: 2000,
    });
  });

  it('plays USDⓈ-M Futures with --product usdm, keeping its limits where no flag replaces them', () => {
    const { options } = parseCliArgs(['--product', 'usdm', '--weight', '1200/1m']);
    expect(options.product).toBe('usdm');
    expect(options.rateLimits).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
    ]);
    expect(parseCliArgs([]).options.product).toBeUndefined();
    expect(() => parseCliArgs(['--product', 'coinm'])).toThrow(/--product: expected spot or usdm, got coinm/);
  });

  it('rejects bad flags naming them', () => {
    expect(() => parseCliArgs(['--weight', '1200 per minute'])).toThrow(/--weight/);
    expect(() => parseCliArgs(['--storm', 'soon'])).toThrow(/--storm/);
    expect(() => parseCliArgs(['--api-secret', 'S'])).toThrow(/--api-key/);
    expect(() => parseCliArgs(['--nope'])).toThrow(/nope/);
  });
});

describe('binance-fake-exchange CLI', () => {
  it('prints the URL and demo key, serves requests, and stops on SIGINT', async () => {
    const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
    const child = spawn(process.execPath, [cli, '--port', '0', '--skew', '3000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m && out.includes('Press Ctrl+C')) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`cli exited ${code}: ${out}`)));
    });
    expect(out).toContain(DEMO_ACCOUNT.apiKey);
    expect(out).toContain('skew:       3000 ms');
    const time = (await (await fetch(`${url}/api/v3/time`)).json()) as { serverTime: number };
    expect(time.serverTime).toBeGreaterThan(Date.now() + 2000);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
