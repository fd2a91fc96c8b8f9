// A new user's first run: axios + binance-errors against the fake exchange, installed from the packed tarballs.

import { binanceErrors, isBinanceError } from '@binance-errors/axios';
import { createFakeExchange } from '@binance-errors/testing';
import axios from 'axios';

const apiKey = 'example-api-key-0123456789';
const apiSecret = 'example-api-secret-0123456789';
const exchange = await createFakeExchange({
  skewMs: 3000,
  accounts: [{ apiKey, secret: apiSecret, balances: { USDT: '1000' } }],
});

const api = axios.create({ baseURL: exchange.url });
api.interceptors.request.use(binanceErrors({ apiKey, apiSecret }));

const account = await api.get('/api/v3/account');
console.log(
  'signed call with a 3 s clock skew:',
  account.status,
  `(-1021 answers: ${exchange.count({ code: -1021 })})`,
);

try {
  await api.post(
    '/api/v3/order',
    new URLSearchParams({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '1' }),
  );
} catch (e) {
  if (!isBinanceError(e)) throw e;
  console.log('typed error:', e.name, e.category, e.reason ?? e.filter ?? '', '| executed:', e.executed);
}
await exchange.close();
process.exit(0);
