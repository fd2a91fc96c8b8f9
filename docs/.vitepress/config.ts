import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';
import type { ErrorIndexData } from '../scripts/generate.ts';

const here = dirname(fileURLToPath(import.meta.url));
const dataFile = join(here, 'generated', 'errors.json');
if (!existsSync(dataFile)) {
  throw new Error('docs: the error reference is not generated yet. Run `npm run docs:generate` (docs:build does it).');
}
const data = JSON.parse(readFileSync(dataFile, 'utf8')) as ErrorIndexData;

function errorsSidebar(): DefaultTheme.SidebarItem[] {
  return [
    {
      text: 'Error reference',
      items: [
        { text: 'All codes', link: '/errors/' },
        { text: 'Categories', link: '/errors/categories/' },
        { text: 'Filter failures (-1013)', link: '/errors/filters/' },
        { text: 'Matching-engine reasons', link: '/errors/reasons/' },
      ],
    },
    ...data.categories
      .filter((c) => c.count > 0)
      .map((c) => ({
        text: `${c.name} (${c.count})`,
        collapsed: true,
        items: [
          { text: `About ${c.name}`, link: `/errors/categories/${c.name}` },
          ...data.codes
            .filter((e) => e.category === c.name)
            .map((e) => ({ text: `${e.code} ${e.name}`, link: `/errors/${e.slug}` })),
        ],
      })),
    {
      text: 'Categories without a code',
      collapsed: true,
      items: data.categories
        .filter((c) => c.count === 0)
        .map((c) => ({ text: c.name, link: `/errors/categories/${c.name}` })),
    },
  ];
}

/** One group per package of the TypeDoc output (docs/api, generated). */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const api = join(here, '..', 'api', '@binance-errors');
  if (!existsSync(api)) return [];
  return readdirSync(api).map((pkg) => ({
    text: `@binance-errors/${pkg}`,
    collapsed: pkg !== 'core',
    items: [
      { text: 'Overview', link: `/api/@binance-errors/${pkg}/` },
      ...readdirSync(join(api, pkg), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .flatMap((d) =>
          readdirSync(join(api, pkg, d.name))
            .filter((f) => f.endsWith('.md'))
            .map((f) => ({
              text: f.slice(0, -3),
              link: `/api/@binance-errors/${pkg}/${d.name}/${f.slice(0, -3)}`,
            })),
        )
        .sort((a, b) => a.text.localeCompare(b.text)),
    ],
  }));
}

const guide: DefaultTheme.SidebarItem[] = [
  {
    text: 'Getting started',
    items: [
      { text: 'Introduction', link: '/guide/' },
      { text: 'axios', link: '/guide/axios' },
      { text: 'ky', link: '/guide/ky' },
      { text: 'got', link: '/guide/got' },
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
      { text: 'FAQ', link: '/guide/faq' },
    ],
  },
];

export default defineConfig({
  title: 'binance-errors',
  description:
    'Make axios, ky and got safe against the Binance Spot API: typed errors for every code, weight-aware throttling, clock correction, a -1008 circuit breaker.',
  // BinanceError.docsUrl points at https://binance-errors.github.io/binance-errors/errors/<slug>: keep both in step.
  base: '/binance-errors/',
  cleanUrls: true,
  lastUpdated: false,
  srcExclude: ['**/_generated/**', 'scripts/**', 'test/**', 'test-results/**', 'README.md'],
  head: [
    ['link', { rel: 'icon', type: 'image/svg+xml', href: '/binance-errors/favicon.svg' }],
    ['meta', { name: 'theme-color', content: '#f0b90b' }],
  ],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/', activeMatch: '^/guide/' },
      { text: 'Errors', link: '/errors/', activeMatch: '^/errors/' },
      { text: 'API', link: '/api/', activeMatch: '^/api/' },
    ],
    sidebar: {
      '/guide/': guide,
      '/errors/': errorsSidebar(),
      '/api/': apiSidebar(),
    },
    search: {
      provider: 'local',
      options: {
        // Every error page carries the same three client snippets; indexing them would only add noise and weight.
        _render(src, env, md) {
          const page = env.relativePath.startsWith('errors/')
            ? src.replace(/^::: code-group$[\s\S]*?^:::$/gm, '')
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
