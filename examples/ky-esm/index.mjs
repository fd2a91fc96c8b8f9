// ky 2 + binance-errors against the fake exchange, installed from the packed tarballs.

import { binanceErrors, isBinanceError } from '@binance-errors/ky';
import { createFakeExchange } from '@binance-errors/testing';
import ky from 'ky';

const apiKey = 'example-api-key-0123456789';
const apiSecret = 'example-api-secret-0123456789';
const exchange = await createFakeExchange({
  skewMs: -4000,
  accounts: [{ apiKey, secret: apiSecret, balances: { USDT: '1000' } }],
});

const api = ky.create({ prefix: exchange.url }).extend(binanceErrors({ apiKey, apiSecret }));

const account = await api.get('api/v3/account').json();
console.log(
  'signed ky call with a -4 s clock skew:',
  account.balances.length,
  'balances',
  `(-1021 answers: ${exchange.count({ code: -1021 })})`,
);

try {
  await api.post('api/v3/order', {
    body: new URLSearchParams({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.00001',
      price: '20000',
    }),
  });
} catch (e) {
  if (!isBinanceError(e)) throw e;
  console.log('typed error:', e.name, e.category, e.filter ?? '', '| executed:', e.executed);
}
await exchange.close();
process.exit(0);
