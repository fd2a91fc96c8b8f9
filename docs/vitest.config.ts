import { defineProject } from 'vitest/config';

// The docs suite: code samples type-check, every docsUrl resolves to a built page, and the site works in chromium.
export default defineProject({
  resolve: { conditions: ['@binance-errors/source'] },
  ssr: { resolve: { conditions: ['@binance-errors/source'] } },
  test: {
    name: 'docs',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // site.test.ts builds the whole site once before its tests.
    hookTimeout: 300_000,
  },
});
