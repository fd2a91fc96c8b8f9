import { describe, expect, it } from 'vitest';
import { EXAMPLES, runExamples } from '../scripts/examples.ts';
import { offlineEnv, readmeCliLines } from './support/readmeCli.ts';

describe('examples', () => {
  it('install from npm pack tarballs and run as a new user would', { timeout: 300_000 }, () => {
    // The README's CLI lines, run offline in each project that installed the packed core, as a user would.
    const cli = readmeCliLines();
    const results = runExamples(undefined, undefined, { lines: cli, env: offlineEnv() });
    expect(results.map((r) => r.name)).toEqual(Object.keys(EXAMPLES));
    const byName = Object.fromEntries(results.map((r) => [r.name, r.output]));
    expect(byName['axios-esm']).toMatch(/signed call with a 3 s clock skew: 200 \(-1021 answers: 0\)/);
    expect(byName['axios-esm']).toMatch(/typed error: BinanceOrderRejectedError order-rejected INSUFFICIENT_BALANCE/);
    expect(byName['axios-cjs']).toMatch(/signed call from CommonJS: 200/);
    expect(byName['axios-cjs']).toMatch(/typed error: BinanceRequestError -1121 Invalid symbol\./);
    expect(byName['ky-esm']).toMatch(/signed ky call with a -4 s clock skew: 1 balances \(-1021 answers: 0\)/);
    expect(byName['ky-esm']).toMatch(/typed error: BinanceFilterError filter NOTIONAL \| executed: no/);
    for (const [name, major] of [
      ['got-esm', 16],
      ['got14-esm', 14],
    ] as const) {
      expect(byName[name]).toMatch(`got ${major}: signed call with a +7 s clock skew: 1 balances (-1021 answers: 0)`);
      expect(byName[name]).toMatch(/stream API still works: BTCUSDT/);
      expect(byName[name]).toMatch(/typed error: BinanceOrderNotFoundError not-found UNKNOWN_ORDER/);
    }
    expect(byName['got14-esm']).toMatch(/cancel\(\): BinanceAbortError aborted/);
    for (const result of results) {
      expect(Object.keys(result.commands)).toEqual(cli);
      for (const out of Object.values(result.commands)) expect(out).toMatch(/^class +Binance\w*Error$/m);
    }
  });
});
