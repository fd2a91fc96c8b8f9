import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  clean: true,
  // `type: module` package: ESM as .js/.d.ts, CommonJS as .cjs/.d.cts, matching package.json's exports.
  fixedExtension: false,
});
