import { spawnSync } from 'node:child_process';
import { defineProject } from 'vitest/config';

// redis-server comes from Debian, not npm: without it a developer's `npm test` skips this project with a warning,
// while CI (which installs it) fails.
const bin = process.env.REDIS_SERVER ?? 'redis-server';
const hasRedis = spawnSync(bin, ['--version']).status === 0;
if (!hasRedis) {
  const message = `${bin} not found: install Debian's redis-server (apt-get install redis-server) or set REDIS_SERVER`;
  if (process.env.CI) throw new Error(message);
  console.warn(`skipping the @binance-errors/redis tests: ${message}`);
}

export default defineProject({
  resolve: { conditions: ['@binance-errors/source'] },
  ssr: { resolve: { conditions: ['@binance-errors/source'] } },
  test: {
    name: 'redis',
    include: hasRedis ? ['src/**/*.test.ts', 'test/**/*.test.ts'] : [],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
