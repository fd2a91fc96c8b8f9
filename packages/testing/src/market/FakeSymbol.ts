/**
 * A tradable symbol of the fake exchange and its filters. Decimal fields are strings with up to 8 decimals,
 * as the exchange writes them.
 */
export interface FakeSymbol {
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  /** Last price: MARKET orders fill here and LIMIT orders that reach it cross. */
  price: string;
  /** PRICE_FILTER. */
  minPrice: string;
  maxPrice: string;
  tickSize: string;
  /** LOT_SIZE. */
  minQty: string;
  maxQty: string;
  stepSize: string;
  /** NOTIONAL (price × quantity, in the quote asset). */
  minNotional: string;
  maxNotional: string;
}

/** BTCUSDT, ETHUSDT, ETHBTC, and LTCBTC (the symbol of the docs' signing examples). */
export const DEFAULT_SYMBOLS: readonly FakeSymbol[] = Object.freeze([
  {
    symbol: 'BTCUSDT',
    baseAsset: 'BTC',
    quoteAsset: 'USDT',
    price: '60000.00',
    minPrice: '0.01',
    maxPrice: '1000000.00',
    tickSize: '0.01',
    minQty: '0.00001',
    maxQty: '9000.00',
    stepSize: '0.00001',
    minNotional: '5.00',
    maxNotional: '9000000.00',
  },
  {
    symbol: 'ETHUSDT',
    baseAsset: 'ETH',
    quoteAsset: 'USDT',
    price: '3000.00',
    minPrice: '0.01',
    maxPrice: '1000000.00',
    tickSize: '0.01',
    minQty: '0.0001',
    maxQty: '9000.00',
    stepSize: '0.0001',
    minNotional: '5.00',
    maxNotional: '9000000.00',
  },
  {
    symbol: 'ETHBTC',
    baseAsset: 'ETH',
    quoteAsset: 'BTC',
    price: '0.05000',
    minPrice: '0.00001',
    maxPrice: '922327.00',
    tickSize: '0.00001',
    minQty: '0.0001',
    maxQty: '100000.00',
    stepSize: '0.0001',
    minNotional: '0.0001',
    maxNotional: '9000000.00',
  },
  {
    symbol: 'LTCBTC',
    baseAsset: 'LTC',
    quoteAsset: 'BTC',
    price: '0.00150',
    minPrice: '0.000001',
    maxPrice: '100000.00',
    tickSize: '0.000001',
    minQty: '0.001',
    maxQty: '100000.00',
    stepSize: '0.001',
    minNotional: '0.0001',
    maxNotional: '9000000.00',
  },
]);

/** BTCUSDT and ETHUSDT perpetuals, with futures-like filters (minimum notional 100 and 20 USDT). */
export const USDM_SYMBOLS: readonly FakeSymbol[] = Object.freeze([
  {
    symbol: 'BTCUSDT',
    baseAsset: 'BTC',
    quoteAsset: 'USDT',
    price: '60000.00',
    minPrice: '0.10',
    maxPrice: '4529764.00',
    tickSize: '0.10',
    minQty: '0.001',
    maxQty: '1000.00',
    stepSize: '0.001',
    minNotional: '100.00',
    maxNotional: '9000000000.00',
  },
  {
    symbol: 'ETHUSDT',
    baseAsset: 'ETH',
    quoteAsset: 'USDT',
    price: '3000.00',
    minPrice: '0.01',
    maxPrice: '306177.00',
    tickSize: '0.01',
    minQty: '0.001',
    maxQty: '10000.00',
    stepSize: '0.001',
    minNotional: '20.00',
    maxNotional: '9000000000.00',
  },
]);
