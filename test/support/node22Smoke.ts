// Run by node22.test.ts, in a Node without the APIs test/support/withoutNewerApis.mjs takes away: a signed axios call
// through the shared guard (whose origin is read with URL), an `origins` option (checked as a URL), and ky's
// response read whole and then as bytes after its stream was asked for.
import { binanceErrors as axiosErrors } from '@binance-errors/axios';
import { binanceErrors as kyErrors } from '@binance-errors/ky';
import { createFakeExchange } from '@binance-errors/testing';
import axios from 'axios';
import ky from 'ky';

const apiKey = 'node22-smoke-key-0123456789abcdef';
const apiSecret = 'node22-smoke-secret-0123456789abcdef';
const ex = await createFakeExchange({
  accounts: [{ apiKey, secret: apiSecret, balances: { USDT: '1000' } }],
  skewMs: 3000,
});
try {
  const api = axios.create({ baseURL: ex.url });
  axiosErrors({ apiKey, apiSecret, origins: [ex.url] }).install(api);
  const account = await api.get('/api/v3/account');
  const response = await ky
    .create({ prefix: ex.url })
    .extend(kyErrors({ origins: [ex.url] }))
    .get('api/v3/time');
  void response.body;
  const bytes = await response.bytes();
  console.log(
    JSON.stringify({ account: account.status, timeBytes: bytes.length, minus1021: ex.count({ code: -1021 }) }),
  );
} finally {
  await ex.close();
}
