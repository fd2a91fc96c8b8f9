import { defineConfig } from 'vitest/config';

// One vitest run at the root covers every package (each has its own project config)
// and the cross-package suites in test/.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'test/vitest.config.ts', 'docs/vitest.config.ts'],
  },
});
