import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';
import { API_PACKAGES } from '../scripts/api-landing.ts';
import type { ErrorIndexData } from '../scripts/generate.ts';
import { colorClasses, colorClassesCss } from './shikiClasses.ts';
import { wideTables } from './wideTables.ts';

const here = dirname(fileURLToPath(import.meta.url));
const dataFile = join(here, 'generated', 'errors.json');
if (!existsSync(dataFile)) {
  throw new Error('docs: the error reference is not generated yet. Run `npm run docs:generate` (docs:build does it).');
}
const data = JSON.parse(readFileSync(dataFile, 'utf8')) as ErrorIndexData;

// Each product's section has two sidebars. Its ~200 code pages get a short one (the section's index pages): the
// sidebar is rendered into every page, and a link per category would add ~8 kB to each, 3 MB across the site. Its
// category pages get one link per category as well. A category's page lists its codes; the index page searches
// them all.
type Section = ErrorIndexData['products'][number];

function errorsSidebar(section: Section, withCategories: boolean): DefaultTheme.SidebarItem[] {
  const root = `/errors/${section.dir}`;
  const spot = section.product === 'spot';
  const pages: DefaultTheme.SidebarItem = {
    text: spot ? 'Error reference' : section.title,
    items: [
      { text: spot ? 'All codes' : 'All futures codes', link: root },
      { text: 'Categories', link: `${root}categories/` },
      ...(spot
        ? [
            { text: 'Filter failures (-1013)', link: `${root}filters/` },
            { text: 'Matching-engine reasons', link: `${root}reasons/` },
          ]
        : [{ text: 'HTTP 503 messages', link: `${root}http-503` }]),
      { text: 'Spot vs USDⓈ-M Futures', link: '/errors/spot-vs-usdm' },
      ...data.products
        .filter((p) => p !== section)
        .map((p) => ({ text: `${p.title.replace(/^Binance /, '')} codes`, link: `/errors/${p.dir}` })),
    ],
  };
  if (!withCategories) return [pages];
  const categories: DefaultTheme.SidebarItem = {
    text: 'By category',
    items: section.categories.map((c) => ({
      text: c.count > 0 ? `${c.name} (${c.count})` : c.name,
      link: `${root}categories/${c.name}`,
    })),
  };
  return [pages, categories];
}

function errorsSidebars(): DefaultTheme.SidebarMulti {
  return Object.fromEntries(
    data.products.flatMap((p) => [
      [`/errors/${p.dir}`, errorsSidebar(p, false)],
      [`/errors/${p.dir}categories/`, errorsSidebar(p, true)],
    ]),
  );
}

/**
 * The API reference: one link per package (its overview lists every export). Listing every class and interface
 * of every package here put ~70 kB of sidebar into each of the ~200 API pages.
 */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const api = join(here, '..', 'api', '@binance-errors');
  const present = new Set(existsSync(api) ? readdirSync(api) : []);
  return [
    {
      text: 'API reference',
      items: [
        { text: 'All packages', link: '/api/' },
        ...API_PACKAGES.filter((pkg) => present.has(pkg)).map((pkg) => ({
          text: `@binance-errors/${pkg}`,
          link: `/api/@binance-errors/${pkg}/`,
        })),
      ],
    },
  ];
}

const guide: DefaultTheme.SidebarItem[] = [
  {
    text: 'Getting started',
    items: [
      { text: 'Introduction', link: '/guide/' },
      { text: 'axios', link: '/guide/axios' },
      { text: 'ky', link: '/guide/ky' },
      { text: 'got', link: '/guide/got' },
      { text: 'USDⓈ-M Futures', link: '/guide/futures' },
    ],
  },
  {
    text: 'Guides',
    items: [
      { text: 'How it works', link: '/guide/how-it-works' },
      { text: 'Testing your bot', link: '/guide/testing' },
      { text: 'Configuration', link: '/guide/configuration' },
      { text: 'Security and scope', link: '/guide/security' },
      { text: 'Migrating', link: '/guide/migrating' },
      { text: 'Performance', link: '/guide/performance' },
      { text: "Binance's rules and hostile input", link: '/guide/semantics' },
      { text: 'Adding a product', link: '/guide/adding-a-product' },
      { text: 'FAQ', link: '/guide/faq' },
    ],
  },
];

export default defineConfig({
  title: 'binance-errors',
  description:
    'Make axios, ky and got safe against the Binance Spot and USDⓈ-M Futures APIs: typed errors for every code, weight-aware throttling, clock correction, a -1008 circuit breaker.',
  // BinanceError.docsUrl points at https://binance-errors.github.io/binance-errors/errors/<slug>: keep both in step.
  base: '/binance-errors/',
  cleanUrls: true,
  // The page hash map and site data (sidebars included) go to one cached script instead of into every page.
  metaChunk: true,
  lastUpdated: false,
  srcExclude: ['**/_generated/**', 'scripts/**', 'test/**', 'test-results/**', 'README.md'],
  head: [
    ['link', { rel: 'icon', type: 'image/svg+xml', href: '/binance-errors/favicon.svg' }],
    ['meta', { name: 'theme-color', content: '#f0b90b' }],
    ['style', {}, colorClassesCss()],
  ],
  markdown: { codeTransformers: [colorClasses], config: wideTables },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/', activeMatch: '^/guide/' },
      { text: 'Errors', link: '/errors/', activeMatch: '^/errors/' },
      { text: 'API', link: '/api/', activeMatch: '^/api/' },
    ],
    sidebar: {
      '/guide/': guide,
      ...errorsSidebars(),
      '/api/': apiSidebar(),
    },
    search: {
      provider: 'local',
      options: {
        // An error page's sections from "What the plugin does automatically" on repeat its category's text on every
        // code of it; indexing them would only add noise and weight. Its title, hint, facts and messages stay.
        _render(src, env, md) {
          const page = env.relativePath.startsWith('errors/')
            ? src.replace(/^## What the plugin does automatically$[\s\S]*/m, '')
            : src;
          return md.render(page, env);
        },
      },
    },
    outline: [2, 3],
    socialLinks: [{ icon: 'github', link: 'https://github.com/binance-errors/binance-errors' }],
    footer: { message: 'MIT licensed. Not affiliated with Binance.' },
  },
});
