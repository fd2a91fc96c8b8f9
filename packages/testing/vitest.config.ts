import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@binance-errors/source'] },
  ssr: { resolve: { conditions: ['@binance-errors/source'] } },
  test: { name: 'testing', include: ['src/**/*.test.ts'] },
});
