// got + binance-errors against the fake exchange, installed from the packed tarballs. `npm run examples` runs
// it twice: with got 16 (got-esm) and with got 14 (got14-esm).

import { readFileSync } from 'node:fs';
import { binanceErrors, isBinanceError } from '@binance-errors/got';
import { createFakeExchange } from '@binance-errors/testing';
import got from 'got';

const { version } = JSON.parse(readFileSync(new URL('node_modules/got/package.json', import.meta.url), 'utf8'));
const apiKey = 'example-api-key-0123456789';
const apiSecret = 'example-api-secret-0123456789';
const exchange = await createFakeExchange({
  skewMs: 7000,
  accounts: [{ apiKey, secret: apiSecret, balances: { USDT: '1000' } }],
});

const api = got.extend({ prefixUrl: exchange.url }, binanceErrors({ apiKey, apiSecret }));

const account = await api.get('api/v3/account').json();
console.log(
  `got ${version.split('.')[0]}: signed call with a +7 s clock skew:`,
  account.balances.length,
  'balances',
  `(-1021 answers: ${exchange.count({ code: -1021 })})`,
);

let streamed = '';
for await (const chunk of api.stream('api/v3/ticker/price', { searchParams: { symbol: 'BTCUSDT' } })) streamed += chunk;
console.log('stream API still works:', JSON.parse(streamed).symbol);

try {
  await api.delete('api/v3/order', { searchParams: { symbol: 'BTCUSDT', orderId: '123456' } });
} catch (e) {
  if (!isBinanceError(e)) throw e;
  console.log('typed error:', e.name, e.category, e.reason ?? '', '| executed:', e.executed);
}
// got 14's promises have cancel(); got 16 uses `signal` instead.
const pending = api.get('api/v3/ping');
if (typeof pending.cancel === 'function') {
  pending.cancel();
  const e = await pending.catch((error) => error);
  console.log('cancel():', e.name, e.category);
} else {
  await pending;
}
await exchange.close();
process.exit(0);
