import { readdirSync, readFileSync } from 'node:fs';
import { defineProject } from 'vitest/config';
import conformance from './vitest.config.ts';

// The adapter supports got 14 as well as the got 16 the conformance project runs, and the two differ where it
// reaches into got (its Options, its promise, its retry). So the conformance files that exercise got run again
// here, with `got` resolved to got 14 for the adapter and the tests alike. A file exercises got when it imports
// got or the drivers (narrowed to got's by CONFORMANCE_CLIENTS), so a new one joins without being listed.
const dir = new URL('conformance/', import.meta.url);
const usesGot = (file: string) => /from '(?:got|\.\/drivers\.ts)'/.test(readFileSync(new URL(file, dir), 'utf8'));

export default defineProject({
  ...conformance,
  resolve: { ...conformance.resolve, alias: { got: 'got14' } },
  test: {
    ...conformance.test,
    name: 'got 14',
    include: readdirSync(dir)
      .filter((file) => file.endsWith('.test.ts') && usesGot(file))
      .map((file) => `conformance/${file}`),
    env: { CONFORMANCE_CLIENTS: 'got' },
  },
});
