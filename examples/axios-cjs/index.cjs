// The same first run from CommonJS: require() of the axios adapter's CJS build.
const axios = require('axios');
const { binanceErrors, isBinanceError } = require('@binance-errors/axios');

async function main() {
  // The fake exchange package is ESM-first; CommonJS users load it with import().
  const { createFakeExchange } = await import('@binance-errors/testing');
  const apiKey = 'example-api-key-0123456789';
  const apiSecret = 'example-api-secret-0123456789';
  const exchange = await createFakeExchange({ accounts: [{ apiKey, secret: apiSecret }] });
  const api = axios.create({ baseURL: exchange.url });
  api.interceptors.request.use(binanceErrors({ apiKey, apiSecret }));
  console.log('signed call from CommonJS:', (await api.get('/api/v3/account')).status);
  try {
    await api.get('/api/v3/ticker/price', { params: { symbol: 'NOPE' } });
  } catch (e) {
    if (!isBinanceError(e)) throw e;
    console.log('typed error:', e.name, e.code, e.msg);
  }
  await exchange.close();
}
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
