#!/usr/bin/env node
// A file that exists before any build, so npm links the command at install time even in a fresh clone (where
// dist/ is written afterwards, by the root `prepare` script).
try {
  await import('../dist/cli.mjs');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('cli.mjs')) throw e;
  process.stderr.write('binance-errors: @binance-errors/core is not built; run `npm run build` in the repo.\n');
  process.exitCode = 1;
}
