import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@binance-errors/source'] },
  ssr: { resolve: { conditions: ['@binance-errors/source'] } },
  test: {
    name: 'conformance',
    include: ['**/*.test.ts'],
    exclude: ['docs/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // One file at a time: the saturating-burst and timing tests measure windows on the wall clock, and the
    // composition table (thousands of orders) beside them on a 2-core machine delays sends past their edge guard.
    fileParallelism: false,
  },
});
