// Builds the site once, serves it on 127.0.0.1 under /binance-errors/ with clean URLs, and checks it: every docsUrl
// the classifier can produce resolves to a page, and the site works in Debian's chromium (playwright-core).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BinanceErrorCategory,
  catalog,
  classify,
  DEFAULT_DOCS_BASE_URL,
  errorClassFor,
  filters,
  lookupCode,
  reasons,
  usdmCatalog,
} from '@binance-errors/core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETRYABILITY } from '../../packages/core/src/catalog/policy.ts';
import { API_PACKAGES } from '../scripts/api-landing.ts';
import { BASE, DIST, resolveFile, serve } from '../scripts/serve.ts';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(docs, '..');
const SCREENSHOTS = join(docs, 'test-results', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Chromium comes from Debian, not npm: without it a developer's `npm test` skips the browser suite with a
// warning, while CI (which installs it) fails.
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) {
  const message = `chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`;
  if (process.env.CI) throw new Error(message);
  console.warn(`skipping the browser tests: ${message}`);
}

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d;
    });
    child.on('error', reject);
    child.on('close', (status) =>
      status === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${status}:\n${output}`)),
    );
  });
}

/** What `npm run docs:build` does, without npm in between. DOCS_REUSE_BUILD=1 keeps an existing build. */
async function buildSite(): Promise<void> {
  if (process.env.DOCS_REUSE_BUILD === '1' && existsSync(join(DIST, 'index.html'))) return;
  await run(['--conditions=@binance-errors/source', 'docs/scripts/generate.ts']);
  await run(['node_modules/typedoc/bin/typedoc', '--options', 'docs/typedoc.json']);
  await run(['docs/scripts/api-landing.ts']);
  await run(['node_modules/vitepress/bin/vitepress.js', 'build', 'docs']);
}

const categories = Object.keys(RETRYABILITY) as BinanceErrorCategory[];

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.html'))
    .map((d) => join(d.parentPath, d.name));
}

function siteBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .reduce((sum, d) => sum + statSync(join(d.parentPath, d.name)).size, 0);
}

/** Every docsUrl the classifier (and the error classes' defaults) can produce. */
function allDocsUrls(): Set<string> {
  const urls = new Set<string>();
  const add = (url: string) => urls.add(url);
  for (const e of catalog) {
    add(classify({ status: e.http ?? 400, body: { code: e.code, msg: e.messages[0] ?? '' } }).docsUrl);
    for (const m of [...e.messages, ...e.exampleMessages]) add(classify({ status: 400, body: { msg: m } }).docsUrl);
  }
  for (const f of filters) add(classify({ status: 400, body: { code: -1013, msg: f.message } }).docsUrl);
  for (const r of reasons) {
    for (const code of r.codes) add(classify({ status: 400, body: { code, msg: r.message } }).docsUrl);
  }
  for (const c of categories) add(new (errorClassFor(c))({ message: 'x' }).docsUrl);
  for (const status of [401, 403, 404, 409, 418, 429, 500, 502, 503, 504]) {
    add(classify({ status, body: '<html><body>error</body></html>' }).docsUrl);
    add(classify({ status, body: '' }).docsUrl);
  }
  for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ABORT_ERR', 'EWHATEVER']) {
    add(classify({ error: Object.assign(new Error(code), { code }) }).docsUrl);
  }
  add(classify({ error: new DOMException('aborted', 'AbortError') }).docsUrl);
  add(classify({ error: new DOMException('timed out', 'TimeoutError') }).docsUrl);
  add(classify({ status: 400, body: { code: -99999, msg: 'Something new.' } }).docsUrl);
  // USDⓈ-M Futures: its codes, its 503 texts, and its category pages for everything else.
  for (const e of usdmCatalog.codes) {
    add(classify({ status: e.http ?? 400, body: { code: e.code, msg: e.messages[0] ?? '' }, product: 'usdm' }).docsUrl);
  }
  for (const m of usdmCatalog.statusMessages) {
    add(classify({ status: m.status, body: { msg: m.message }, product: 'usdm' }).docsUrl);
  }
  const futures = { method: 'GET', url: 'https://fapi.binance.com/fapi/v1/time' };
  for (const status of [401, 403, 409, 418, 429, 500, 503])
    add(classify({ status, body: '', request: futures }).docsUrl);
  for (const code of ['ECONNRESET', 'ABORT_ERR', 'EWHATEVER']) {
    add(classify({ error: Object.assign(new Error(code), { code }), request: futures }).docsUrl);
  }
  add(classify({ status: 400, body: { code: -99999, msg: 'Something new.' }, product: 'usdm' }).docsUrl);
  add(classify({}).docsUrl);
  return urls;
}

beforeAll(buildSite);

describe('the built site', () => {
  it('has a page for every one of the catalog codes, each product in its own section', () => {
    expect(catalog).toHaveLength(106);
    const pages = readdirSync(join(DIST, 'errors')).filter((f) => f.endsWith('.html'));
    for (const e of catalog) expect(pages).toContain(`${e.slug}.html`);
    expect(usdmCatalog.codes).toHaveLength(201);
    const futures = readdirSync(join(DIST, 'errors', 'usdm')).filter((f) => f.endsWith('.html'));
    for (const e of usdmCatalog.codes) expect(futures).toContain(`${e.slug}.html`);
    for (const c of categories) expect(existsSync(join(DIST, 'errors', 'usdm', 'categories', `${c}.html`))).toBe(true);
  });

  it('compares the two catalogs on the differences page, derived from both', () => {
    const html = readFileSync(join(DIST, 'errors', 'spot-vs-usdm.html'), 'utf8');
    for (const code of [-1008, -1108, -2021, -2022, -2026]) expect(html).toContain(`<code>${code}</code>`);
    expect(html).toContain('href="./usdm/2021-order-would-immediately-trigger"');
    expect(html).toContain('BAD_PRECISION');
  });

  it('keeps every error page under 60 kB of HTML and the whole site under 25 MB', () => {
    const errorPages = htmlFiles(join(DIST, 'errors'));
    expect(errorPages.length).toBeGreaterThanOrEqual(catalog.length);
    const heavy = errorPages.filter((f) => statSync(f).size > 60_000).map((f) => `${f}: ${statSync(f).size} B`);
    expect(heavy).toEqual([]);
    expect(siteBytes(DIST)).toBeLessThanOrEqual(25_000_000);
  });

  it('opens the API reference with one line per package, redis included', () => {
    const landing = readFileSync(join(DIST, 'api', 'index.html'), 'utf8');
    for (const pkg of API_PACKAGES) expect(landing).toContain(`href="/binance-errors/api/@binance-errors/${pkg}/"`);
    expect(existsSync(join(DIST, 'api', '@binance-errors', 'redis', 'index.html'))).toBe(true);
  });

  it('renders hints as text: code spans become code, no raw backticks', () => {
    const page = readFileSync(join(DIST, 'errors', '2010-new-order-rejected.html'), 'utf8');
    const hint = /<p class="error-hint">([\s\S]*?)<\/p>/.exec(page)?.[1] ?? '';
    expect(hint).toContain('<code>');
    for (const file of htmlFiles(join(DIST, 'errors'))) {
      const text = /<p class="error-hint">([\s\S]*?)<\/p>/.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
      expect(text, file).not.toContain('`');
    }
  });

  it('resolves every docsUrl the classifier produces to a built page', () => {
    const urls = allDocsUrls();
    const paths = [...urls].map((u) => u.slice(DEFAULT_DOCS_BASE_URL.length));
    // Each kind of page is reached: codes, filters, reasons and every category.
    expect(paths.filter((p) => p.startsWith('errors/filters/')).length).toBe(filters.length);
    expect(paths.filter((p) => p.startsWith('errors/reasons/')).length).toBe(reasons.length);
    expect(paths.filter((p) => p.startsWith('errors/categories/')).length).toBe(categories.length);
    const missing = [...urls].filter(
      (u) =>
        !u.startsWith(DEFAULT_DOCS_BASE_URL) || !resolveFile(DIST, `${BASE}${u.slice(DEFAULT_DOCS_BASE_URL.length)}`),
    );
    expect(missing).toEqual([]);
  });
});

describe.skipIf(!HAS_CHROMIUM)('the site in chromium', () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ server, url } = await serve());
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) consoleErrors.push(`${page.url()}: ${r.status()} for ${r.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('renders the home page', async () => {
    await page.goto(url);
    await expect.poll(() => page.locator('.VPHero .name').textContent()).toContain('binance-errors');
    expect(await page.title()).toContain('binance-errors');
    await page.screenshot({ path: join(SCREENSHOTS, 'home.png') });
  });

  it('shows the messages and the hint of -1021', async () => {
    const entry = lookupCode(-1021)!;
    await page.goto(`${url}errors/1021-invalid-timestamp`);
    expect(await page.locator('h1').first().textContent()).toContain('-1021 INVALID_TIMESTAMP');
    const text = (await page.locator('.vp-doc').textContent()) ?? '';
    expect(entry.messages.length).toBeGreaterThan(0);
    for (const m of entry.messages) expect(text).toContain(m);
    expect(await page.locator('.error-hint').textContent()).toBe(entry.hint.replace(/`/g, ''));
    await page.screenshot({ path: join(SCREENSHOTS, 'error-1021.png'), fullPage: true });
  });

  async function search(query: string): Promise<string[]> {
    await page.goto(url);
    await page.locator('.VPNavBarSearch button').click();
    const input = page.locator('.VPLocalSearchBox input');
    await input.fill(query);
    const results = page.locator('.VPLocalSearchBox .results a');
    await results.first().waitFor();
    // Results settle after the debounce; read them once the first result matches the query's page.
    await page.waitForTimeout(300);
    return results.evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).pathname));
  }

  it('finds the -1021 page when searching for "1021"', async () => {
    const found = await search('1021');
    expect(found.slice(0, 3)).toContain(`${BASE}errors/1021-invalid-timestamp`);
    await page.screenshot({ path: join(SCREENSHOTS, 'search-1021.png') });
    await page.keyboard.press('Escape');
  });

  it('finds the LOT_SIZE filter page when searching for "LOT_SIZE"', async () => {
    const found = await search('LOT_SIZE');
    expect(found.slice(0, 3)).toContain(`${BASE}errors/filters/lot-size`);
    await page.keyboard.press('Escape');
  });

  it('filters the index of codes by category', async () => {
    await page.goto(`${url}errors/`);
    const rows = page.locator('.error-index tbody tr');
    await expect.poll(() => rows.count()).toBe(catalog.length);
    const wanted = catalog.filter((e) => e.category === 'rate-limit');
    await page.locator('.error-index button[data-category="rate-limit"]').click();
    await expect.poll(() => rows.count()).toBe(wanted.length);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-category')));
    expect(new Set(shown)).toEqual(new Set(['rate-limit']));
    expect(page.url()).toContain('category=rate-limit');
    await page.screenshot({ path: join(SCREENSHOTS, 'errors-index-rate-limit.png') });
    // The filter survives a reload (it lives in the URL).
    await page.reload();
    await expect.poll(() => rows.count()).toBe(wanted.length);
    await page.locator('.error-index button[data-category="all"]').click();
    await expect.poll(() => rows.count()).toBe(catalog.length);
  });

  it('switches the index between products, in the URL, and opens the futures section on its own codes', async () => {
    await page.goto(`${url}errors/`);
    const rows = page.locator('.error-index tbody tr');
    await expect.poll(() => rows.count()).toBe(catalog.length);
    await page.locator('.error-index button[data-product="usdm"]').click();
    await expect.poll(() => rows.count()).toBe(usdmCatalog.codes.length);
    expect(page.url()).toContain('product=usdm');
    const margin = page.locator('.error-index a', { hasText: '-2019' });
    expect(await margin.getAttribute('href')).toBe(`${BASE}errors/usdm/2019-margin-not-sufficien`);
    await page.locator('.error-index button[data-category="filter"]').click();
    const filters = usdmCatalog.codes.filter((e) => e.category === 'filter');
    await expect.poll(() => rows.count()).toBe(filters.length);
    await page.reload();
    await expect.poll(() => rows.count()).toBe(filters.length);

    await page.goto(`${url}errors/usdm/`);
    await expect.poll(() => rows.count()).toBe(usdmCatalog.codes.length);
    await page.screenshot({ path: join(SCREENSHOTS, 'errors-index-usdm.png') });
  });

  it('logged no console errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});

/** The pages a new reader meets first, and one of each generated kind. */
const LAYOUT_PAGES = [
  '',
  'errors/',
  'errors/1021-invalid-timestamp',
  'errors/2010-new-order-rejected',
  'errors/filters/lot-size',
  'errors/reasons/',
  'errors/categories/rate-limit',
  'errors/usdm/',
  'errors/usdm/2019-margin-not-sufficien',
  'errors/usdm/http-503',
  'errors/usdm/categories/server-busy',
  'errors/spot-vs-usdm',
  ...readdirSync(join(docs, 'guide'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `guide/${f === 'index.md' ? '' : f.slice(0, -3)}`),
  'api/',
  'api/@binance-errors/core/',
];

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

describe.skipIf(!HAS_CHROMIUM)('the site at 1280×800 and on a 390×844 phone', () => {
  let server: Server;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, url } = await serve());
    mkdirSync(join(SCREENSHOTS, 'layout'), { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it.each(VIEWPORTS)('shows every page of the tour without sideways scrolling at $width px', async (viewport) => {
    const page = await browser.newPage({ viewport: { width: viewport.width, height: viewport.height } });
    const overflows: string[] = [];
    try {
      for (const path of LAYOUT_PAGES) {
        await page.goto(`${url}${path}`);
        await page.locator('.VPContent').waitFor();
        const name = path.replace(/\/$/, '').replaceAll('/', '_') || 'home';
        await page.screenshot({ path: join(SCREENSHOTS, 'layout', `${viewport.name}-${name}.png`), fullPage: true });
        // Anything wider than its box: the page itself, a code block, a table, the chart. Each would show a
        // scrollbar or cut its content (a code line, a table column, a label).
        const cut = await page.evaluate(() => {
          const found: string[] = [];
          const root = document.documentElement;
          if (root.scrollWidth > root.clientWidth + 1) found.push(`page ${root.scrollWidth} > ${root.clientWidth}`);
          const selectors = '.VPContent pre, .VPContent table, .VPContent img, .VPContent .error-index, .VPContent p';
          for (const el of document.querySelectorAll<HTMLElement>(selectors)) {
            if (el.offsetParent === null) continue; // hidden (e.g. an inactive code-group tab)
            const box = el.getBoundingClientRect();
            const clipped = el.scrollWidth > el.clientWidth + 1;
            const outside = box.right > root.clientWidth + 1 || box.left < -1;
            if (clipped || outside) {
              const what = el.tagName.toLowerCase() + (el.className ? `.${String(el.className).split(' ')[0]}` : '');
              found.push(`${what} ${el.scrollWidth} > ${el.clientWidth}: ${(el.textContent ?? '').slice(0, 60)}`);
            }
          }
          return found;
        });
        overflows.push(...cut.map((c) => `${path || '/'}: ${c}`));
      }
    } finally {
      await page.close();
    }
    expect(overflows).toEqual([]);
  });

  it('lays the error index out as labelled cards on a phone, every field visible', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await page.goto(`${url}errors/`);
      const cells = page.locator('.error-index tbody tr').first().locator('td');
      await expect.poll(() => cells.count()).toBe(5);
      const labels = await cells.evaluateAll((tds) =>
        tds.map((td) => (td.checkVisibility() ? getComputedStyle(td, '::before').content : 'hidden')),
      );
      expect(labels).toEqual(['"Code"', '"Name"', '"Category"', '"Retry"', '"Executed"']);
    } finally {
      await page.close();
    }
  });

  it("lays a wide table out as labelled cards on a phone, and as a grid on a screen (B1's seventeen columns)", async () => {
    for (const [width, cards] of [
      [390, true],
      [1280, false],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height: 844 } });
      try {
        await page.goto(`${url}guide/performance`);
        const table = page.locator('table', { has: page.locator('th', { hasText: 'pauses by cause µs/req' }) });
        const headers = await table.locator('thead th').allTextContents();
        expect(headers.length).toBeGreaterThanOrEqual(17);
        expect(await table.locator('thead').isVisible()).toBe(!cards);
        const labels = await table
          .locator('tbody tr')
          .first()
          .locator('td')
          .evaluateAll((tds) => tds.map((td) => getComputedStyle(td, '::before').content));
        expect(labels).toEqual(cards ? headers.map((h) => JSON.stringify(h)) : headers.map(() => 'none'));
      } finally {
        await page.close();
      }
    }
  });
});
