import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// The packages declare `engines.node >= 22`, while the repository runs on Node 24. This runs a signed call and ky's
// byte reads in a Node 24 stripped of what Node 22.0 lacks (URL.parse, Response#bytes), so a newer API creeping
// into the packages fails here rather than on a user's Node 22.
it('works without the APIs Node 22.0 lacks', () => {
  const out = execFileSync(
    process.execPath,
    [
      '--conditions=@binance-errors/source',
      '--import',
      fileURLToPath(new URL('./support/withoutNewerApis.mjs', import.meta.url)),
      fileURLToPath(new URL('./support/node22Smoke.ts', import.meta.url)),
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({
    account: 200,
    timeBytes: expect.any(Number),
    minus1021: 0,
  });
});
