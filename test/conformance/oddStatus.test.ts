import { isBinanceError } from '@binance-errors/core';
import { describe, expect, it } from 'vitest';
import { fail } from '../support/fail.ts';
import { drivers } from './drivers.ts';
import { deferredCleanups } from './support/lifecycle.ts';
import { startRecorder } from './support/recorder.ts';

// A proxy that answers with a status past 599: Node's parser and fetch hand it on, and the typed error must say what
// came back (it said `status: undefined`, and ky failed on copying the response to read it).

const defer = deferredCleanups();

describe.each(drivers)('a status past 599: $name', (driver) => {
  it('is typed with the status as received, and nothing read into it', async () => {
    const proxy = await startRecorder((_req, res) => {
      res.writeHead(600, { 'content-type': 'application/json' }).end('{"error":"upstream gone"}');
    });
    defer(() => proxy.close());
    const call = driver.create(proxy.url, { clock: false, retry: { reads: 0 } });
    const error = await fail(call({ path: '/api/v3/depth', params: { symbol: 'BTCUSDT' } }));
    expect(isBinanceError(error), String(error)).toBe(true);
    expect(error).toMatchObject({ status: 600, category: 'unknown' });
  });
});
