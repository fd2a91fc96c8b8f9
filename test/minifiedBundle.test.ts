import { join } from 'node:path';
import { createFakeExchange, type FakeExchange } from '@binance-errors/testing';
import { build as rolldown } from 'rolldown';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type Project, packedProject } from './support/packedProject.ts';

// A flat object is sent as form parameters, whichever copy of axios serialised it. An app whose ESM code creates the
// axios instance and whose CommonJS module installs the plugin has two copies of axios once bundled (axios' ESM lib/
// for the `import`, its dist/node/axios.cjs for the adapter's `require`). The adapter once recognised the other
// copy's JSON transform by its function name, which minifying removes: the order went out as JSON, refused -1022.

const API_KEY = 'packaging-bundle-key-0123456789';
const API_SECRET = 'packaging-bundle-secret-0123456789';

const FILES = {
  'package.json': '{ "name": "app", "private": true, "type": "module" }',
  // The team's CommonJS helper that puts the plugin on whatever axios instance it is given.
  'binance.cjs': `
const { binanceErrors } = require('@binance-errors/axios');
exports.protect = (api) => api.interceptors.request.use(binanceErrors({ apiKey: process.env.API_KEY, apiSecret: process.env.API_SECRET }));`,
  'app.mjs': `
import axios from 'axios';
import { protect } from './binance.cjs';
const api = axios.create({ baseURL: process.env.EX_URL });
protect(api);
try {
  const { data } = await api.post('/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01' });
  console.log('order ' + data.status);
} catch (e) {
  console.log(e.name + ' ' + e.code + ' ' + (e.msg ?? e.message));
}`,
};

/** A minified ESM bundle for node of the app's entry. */
async function bundle(dir: string, out: string): Promise<void> {
  await rolldown({
    input: join(dir, 'app.mjs'),
    platform: 'node',
    logLevel: 'silent',
    output: { file: join(dir, out), format: 'esm', minify: true },
  });
}

let project: Project;
let ex: FakeExchange;

beforeAll(() => {
  project = packedProject({ packages: ['core', 'axios'], registry: ['axios@^1'], files: FILES });
}, 60_000);
afterAll(() => project?.close());
afterEach(async () => {
  await ex?.close();
});

it('a minified bundle of an app that installs the axios plugin from a CommonJS module sends a flat-object order as a form', {
  timeout: 20_000,
}, async () => {
  ex = await createFakeExchange({ accounts: [{ apiKey: API_KEY, secret: API_SECRET, balances: { USDT: '100000' } }] });
  await bundle(project.dir, 'bundle.mjs');
  const env = { EX_URL: ex.url, API_KEY, API_SECRET };
  // The same app unbundled, as a check that the order itself is fine.
  expect((await project.run('app.mjs', env)).trim()).toBe('order FILLED');
  expect((await project.run('bundle.mjs', env)).trim()).toBe('order FILLED');
});
