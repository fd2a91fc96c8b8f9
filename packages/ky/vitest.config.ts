import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@binance-errors/source'] },
  ssr: { resolve: { conditions: ['@binance-errors/source'] } },
  test: { name: 'ky', include: ['src/**/*.test.ts'], typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] } },
});
