import { defineConfig } from 'vitest/config';

// One vitest run at the root covers every package (each has its own project config),
// the cross-package suites in test/, and those of them that exercise got again on got 14.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'test/vitest.config.ts',
      'test/vitest.got14.config.ts',
      'docs/vitest.config.ts',
    ],
  },
});
