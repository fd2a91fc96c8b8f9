import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Project, packedProject } from './support/packedProject.ts';

// A process can hold two copies of @binance-errors/core without its author asking for it:
// - format: the packages ship a CommonJS and an ESM build, each loading core's build of the same format. An ESM app
//   with one CommonJS module that requires the axios adapter, or a CommonJS app that requires the axios adapter and
//   (require(esm)) the ESM-only got adapter, loads core's dist/index.cjs AND dist/index.mjs;
// - version: every adapter pins core exactly, so adapters released with different cores get a nested copy each (laid
//   out here as npm does: got's core one patch ahead, under got's node_modules).
// Clients on one origin still share one guard (one weight budget: no 429, no 418), and a BinanceGuard from one copy
// is accepted by the other's adapters, as the README says. Each copy once kept a registry of its own and refused the
// other's guard by `instanceof`: two clients spent the IP's budget twice and were banned.

const API_KEY = 'packaging-two-copies-key-0123456789';
const API_SECRET = 'packaging-two-copies-secret-0123456789';
const LIMIT = { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 10 } as const;
const WINDOW_MS = 3000;
/** What both clients are given: the exchange's (shortened) limit, so each guard knows it without an exchangeInfo. */
const OPTIONS = JSON.stringify({ throttle: { limits: [LIMIT], intervalScale: WINDOW_MS / 60_000 } });

/** 8 pings through each of two clients at once: 16 weight against a limit of 10 per window. */
const BURST = `
const statuses = (results) => results.map((r) => r.status === 'fulfilled' ? r.value : (r.reason && r.reason.name) + ' ' + (r.reason && r.reason.status));
async function burst(first, second) {
  const results = await Promise.allSettled([
    ...Array.from({ length: 8 }, () => first()),
    ...Array.from({ length: 8 }, () => second()),
  ]);
  console.log(JSON.stringify(statuses(results)));
}`;

/**
 * A signed call through a client made with a `BinanceGuard` the app built (`client`, an expression of `options`),
 * printing its status (`status`, an expression of `api`) or the error that refused it; then the guard is closed.
 */
const guardCall = (client: string, status: string) => `
const guard = new BinanceGuard(process.env.EX_URL);
const options = { apiKey: process.env.API_KEY, apiSecret: process.env.API_SECRET, guard };
try {
  const api = ${client};
  console.log('status', ${status});
} catch (e) {
  console.log(e.name + ': ' + e.message);
}
guard.close();`;
const GOT_CLIENT = 'got.extend({ prefixUrl: process.env.EX_URL }, binanceErrors(options))';
const GOT_STATUS = "(await api.get('api/v3/account')).statusCode";

/** An axios and a got client with the plugin on one exchange (`axiosPlugin`, `gotPlugin` imported), and their pings. */
const AXIOS_AND_GOT = `${BURST}
const url = process.env.EX_URL;
const options = ${OPTIONS};
const a = axios.create({ baseURL: url });
a.interceptors.request.use(axiosPlugin(options));
const g = got.extend({ prefixUrl: url }, gotPlugin(options));
const PINGS = [() => a.get('/api/v3/ping').then((r) => r.status), () => g.get('api/v3/ping').then((r) => r.statusCode)];`;

const PROJECTS: Record<string, { files: Record<string, string>; budget: string; guard: string }> = {
  // An ESM app whose older CommonJS module makes its own axios client for the same exchange.
  'ESM app + a CommonJS module of it (axios adapter in both)': {
    files: {
      'package.json': '{ "name": "app", "private": true, "type": "module" }',
      'legacy.cjs': `
const axios = require('axios');
const { binanceErrors } = require('@binance-errors/axios');
exports.makeClient = (url, options) => {
  const api = axios.create({ baseURL: url });
  api.interceptors.request.use(binanceErrors(options));
  return api;
};`,
      'budget.mjs': `
import axios from 'axios';
import { createRequire } from 'node:module';
import { binanceErrors } from '@binance-errors/axios';
const { makeClient } = createRequire(import.meta.url)('./legacy.cjs');
${BURST}
const url = process.env.EX_URL;
const options = ${OPTIONS};
const esm = axios.create({ baseURL: url });
esm.interceptors.request.use(binanceErrors(options));
const cjs = makeClient(url, options);
await burst(() => esm.get('/api/v3/ping').then((r) => r.status), () => cjs.get('/api/v3/ping').then((r) => r.status));
process.exit(0);`,
      'guard.mjs': `
import axios from 'axios';
import { BinanceGuard } from '@binance-errors/core';
import { createRequire } from 'node:module';
const { makeClient } = createRequire(import.meta.url)('./legacy.cjs');
${guardCall('makeClient(process.env.EX_URL, options)', "(await api.get('/api/v3/account')).status")}`,
    },
    budget: 'budget.mjs',
    guard: 'guard.mjs',
  },
  // A CommonJS service that requires both adapters (the got one is ESM-only: require(esm) loads it).
  'CommonJS app requiring the axios and got adapters': {
    files: {
      'package.json': '{ "name": "app", "private": true, "type": "commonjs" }',
      'budget.cjs': `
const axios = require('axios');
const { default: got } = require('got');
const { binanceErrors: axiosPlugin } = require('@binance-errors/axios');
const { binanceErrors: gotPlugin } = require('@binance-errors/got');
${AXIOS_AND_GOT}
burst(...PINGS).then(() => process.exit(0));`,
      'guard.cjs': `
const { default: got } = require('got');
const { BinanceGuard } = require('@binance-errors/axios');
const { binanceErrors } = require('@binance-errors/got');
(async () => {
${guardCall(GOT_CLIENT, GOT_STATUS)}
})();`,
    },
    budget: 'budget.cjs',
    guard: 'guard.cjs',
  },
  // An ESM app; the got adapter came with a newer core than the axios adapter, so npm nested it.
  'ESM app, got adapter with a newer core nested (axios adapter on the top-level core)': {
    files: {
      'package.json': '{ "name": "app", "private": true, "type": "module" }',
      'budget.mjs': `
import axios from 'axios';
import got from 'got';
import { binanceErrors as axiosPlugin } from '@binance-errors/axios';
import { binanceErrors as gotPlugin } from '@binance-errors/got';
${AXIOS_AND_GOT}
await burst(...PINGS);
process.exit(0);`,
      // docs/guide/testing.md: a BinanceGuard from '@binance-errors/core', passed to the adapter.
      'guard.mjs': `
import got from 'got';
import { BinanceGuard } from '@binance-errors/core';
import { binanceErrors } from '@binance-errors/got';
${guardCall(GOT_CLIENT, GOT_STATUS)}`,
    },
    budget: 'budget.mjs',
    guard: 'guard.mjs',
  },
};
const NAMES = Object.keys(PROJECTS);
const NESTED = NAMES[2]!;

const projects = new Map<string, Project>();
let ex: FakeExchange;

beforeAll(() => {
  for (const [name, spec] of Object.entries(PROJECTS)) {
    const project = packedProject({
      packages: ['core', 'axios', 'got'],
      registry: ['axios@^1', 'got@^16'],
      files: spec.files,
    });
    projects.set(name, project);
    if (name === NESTED) {
      // What npm lays out for got's adapter depending on core 0.1.1 while 0.1.0 sits at the top.
      const top = join(project.dir, 'node_modules', '@binance-errors');
      const nested = join(top, 'got', 'node_modules', '@binance-errors', 'core');
      const manifest = JSON.parse(readFileSync(join(top, 'core', 'package.json'), 'utf8'));
      cpSync(join(top, 'core'), nested, { recursive: true });
      writeFileSync(join(nested, 'package.json'), JSON.stringify({ ...manifest, version: '0.1.1' }, null, 2));
      const got = JSON.parse(readFileSync(join(top, 'got', 'package.json'), 'utf8'));
      got.version = '0.1.1';
      got.dependencies['@binance-errors/core'] = '0.1.1';
      writeFileSync(join(top, 'got', 'package.json'), JSON.stringify(got, null, 2));
    }
  }
}, 60_000);
afterAll(() => {
  for (const project of projects.values()) project.close();
});
afterEach(async () => {
  await ex?.close();
});

describe('two copies of @binance-errors/core in one process', () => {
  it.each(NAMES)(
    '%s: two clients on one exchange share one weight budget (no 429, no 418 ban)',
    { timeout: 20_000 },
    async (name) => {
      ex = await createFakeExchange({ rateLimits: [{ ...LIMIT, intervalMs: WINDOW_MS }] });
      const out = await projects.get(name)!.run(PROJECTS[name]!.budget, { EX_URL: ex.url });
      const statuses = JSON.parse(out.trim().split('\n').at(-1)!);
      // One guard holds the burst's last 6 for the next window; two guards each spend the whole limit.
      expect({ statuses, answered429: ex.count({ status: 429 }), answered418: ex.count({ status: 418 }) }).toEqual({
        statuses: Array(16).fill(200),
        answered429: 0,
        answered418: 0,
      });
    },
  );

  it.each(NAMES)(
    '%s: a BinanceGuard made by the app is accepted by the adapter (the documented way to share one)',
    { timeout: 20_000 },
    async (name) => {
      ex = await createFakeExchange({ accounts: [{ apiKey: API_KEY, secret: API_SECRET }] });
      const out = await projects.get(name)!.run(PROJECTS[name]!.guard, {
        EX_URL: ex.url,
        API_KEY,
        API_SECRET,
      });
      expect(out.trim()).toBe('status 200');
    },
  );
});
