import { describe, expect, it } from 'vitest';
import { usdmCatalog } from '../catalog/usdm.generated.ts';
import { BinanceFilterError, BinanceOrderRejectedError } from '../errors/classes.ts';
import { classify } from './classify.ts';

const ORDER_URL = 'https://fapi.binance.com/fapi/v1/order?symbol=BTCUSDT&signature=abc';

describe('classify on USDⓈ-M Futures', () => {
  it('types -2019 as a rejected order with the futures hint and docs page', () => {
    const err = classify({ status: 400, body: { code: -2019, msg: 'Margin is insufficient.' }, product: 'usdm' });
    expect(err).toBeInstanceOf(BinanceOrderRejectedError);
    expect(err.category).toBe('order-rejected');
    expect(err.executed).toBe('no');
    expect(err.hint).toBe(usdmCatalog.lookupCode(-2019)?.hint);
    expect(err.docsUrl).toMatch(/\/errors\/usdm\/2019-[a-z0-9-]+$/);
    expect(err.message).toContain('-2019');
  });

  it('picks usdm from a fapi.binance.com or futures testnet request URL, and Spot elsewhere', () => {
    const body = { code: -2019, msg: 'Margin is insufficient.' };
    for (const url of [
      ORDER_URL,
      'https://testnet.binancefuture.com/fapi/v1/order',
      'https://demo-fapi.binance.com/x',
    ]) {
      const err = classify({ status: 400, body, request: { method: 'POST', url } });
      expect(err.category, url).toBe('order-rejected');
      expect(err.docsUrl, url).toContain('/errors/usdm/');
    }
    // Spot does not know -2019.
    const spot = classify({
      status: 400,
      body,
      request: { method: 'POST', url: 'https://api.binance.com/api/v3/order' },
    });
    expect(spot.category).toBe('request');
    expect(spot.docsUrl).not.toContain('/usdm/');
    // An explicit product wins over the origin.
    expect(classify({ status: 400, body, request: { method: 'POST', url: ORDER_URL }, product: 'spot' }).category).toBe(
      'request',
    );
  });

  it('types every code of the futures catalog, with its own category, outcome and page', () => {
    expect(usdmCatalog.codes.length).toBeGreaterThan(150);
    for (const entry of usdmCatalog.codes) {
      const err = classify({ status: 400, body: { code: entry.code, msg: entry.messages[0] ?? 'x' }, product: 'usdm' });
      expect(err.category, String(entry.code)).not.toBe('unknown');
      expect(err.code).toBe(entry.code);
      expect(err.docsUrl.endsWith(`errors/usdm/${entry.slug}`), String(entry.code)).toBe(true);
      if (entry.category !== 'rate-limit' && entry.category !== 'ip-ban') {
        expect(err.category, String(entry.code)).toBe(entry.category);
        expect(err.executed, String(entry.code)).toBe(entry.executed);
      }
    }
  });

  it('reads -2021 and -2022 as futures codes, not as Spot cancel-replace outcomes', () => {
    for (const code of [-2021, -2022]) {
      const futures = classify({ status: 400, body: { code, msg: 'x' }, product: 'usdm' });
      const entry = usdmCatalog.lookupCode(code);
      expect(futures.category).toBe(entry?.category);
      expect(futures.category).not.toBe('partial');
      expect(classify({ status: 400, body: { code, msg: 'x' } }).category).toBe('partial');
    }
  });

  it('sets filter from a futures filter code, whose message does not name the filter', () => {
    const withFilter = usdmCatalog.codes.filter((e) => e.filter !== undefined);
    expect(withFilter.length).toBeGreaterThan(0);
    for (const entry of withFilter) {
      const err = classify({ status: 400, body: { code: entry.code, msg: entry.messages[0] ?? '' }, product: 'usdm' });
      expect(err.filter, String(entry.code)).toBe(entry.filter);
      if (entry.category === 'filter') expect(err).toBeInstanceOf(BinanceFilterError);
    }
  });

  it('keeps a futures -1008 a definite failure, even for an order placement on a 503', () => {
    const err = classify({
      status: 503,
      body: {
        code: -1008,
        msg: 'Request throttled by system-level protection. Reduce-only/close-position orders are exempt. Please try again.',
      },
      request: { method: 'POST', url: ORDER_URL },
    });
    expect(err.category).toBe('server-busy');
    expect(err.executed).toBe('no');
    expect(err.retryable).toBe(true);
    // Spot's rule stands: a -1008 with a 5xx on a placement may have executed.
    const spot = classify({
      status: 503,
      body: {
        code: -1008,
        msg: 'Server is currently overloaded with other requests. Please try again in a few minutes.',
      },
      request: { method: 'POST', url: 'https://api.binance.com/api/v3/order' },
    });
    expect(spot.executed).toBe('unknown');
  });

  describe('the three 503 messages', () => {
    const post = { method: 'POST', url: ORDER_URL };
    it('"Unknown error, …" leaves the outcome unknown and only a read may be sent again', () => {
      const msg = 'Unknown error, please check your request or try again later.';
      const err = classify({ status: 503, body: { code: -1000, msg }, request: post });
      expect(err.category).toBe('unknown-outcome');
      expect(err.executed).toBe('unknown');
      expect(err.retryable).toBe(false);
      expect(err.docsUrl).toMatch(/errors\/usdm\/http-503$/);
      expect(classify({ status: 503, body: { msg }, request: { ...post, method: 'GET' } }).retryable).toBe(true);
    });

    it('"Service Unavailable." did not execute: retry with backoff, even an order', () => {
      const err = classify({ status: 503, body: { msg: 'Service Unavailable.' }, request: post });
      expect(err.category).toBe('server');
      expect(err.executed).toBe('no');
      expect(err.retryable).toBe(true);
      expect(err.hint).toMatch(/backoff/);
    });

    it('"Internal error; …" did not execute, whatever code the body carries', () => {
      const msg = 'Internal error; unable to process your request. Please try again.';
      for (const body of [{ msg }, { code: -1001, msg }, { code: -1000, msg }]) {
        const err = classify({ status: 503, body, request: post });
        expect(err.executed, JSON.stringify(body)).toBe('no');
        expect(err.retryable).toBe(true);
      }
    });

    it('means nothing special on another status or on Spot', () => {
      const other = classify({ status: 500, body: { msg: 'Service Unavailable.' }, request: post });
      expect(other.executed).toBe('unknown');
      const spot = classify({ status: 503, body: { msg: 'Service Unavailable.' }, product: 'spot' });
      expect(spot.category).toBe('unknown-outcome');
    });
  });

  it('points transport errors and unknown codes at the futures category pages', () => {
    const err = classify({ status: 400, body: { code: -9999, msg: 'new' }, product: 'usdm' });
    expect(err.docsUrl).toMatch(/errors\/usdm\/categories\/request$/);
    const net = classify({
      error: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
      request: { method: 'GET', url: ORDER_URL },
    });
    expect(net.docsUrl).toMatch(/errors\/usdm\/categories\/network$/);
  });

  it('falls back to the origin, then Spot, for a product it does not know', () => {
    const body = { code: -2019, msg: 'Margin is insufficient.' };
    expect(classify({ status: 400, body, product: 'coinm' as never }).category).toBe('request');
    expect(
      classify({ status: 400, body, product: 'coinm' as never, request: { method: 'POST', url: ORDER_URL } }).category,
    ).toBe('order-rejected');
  });
});
