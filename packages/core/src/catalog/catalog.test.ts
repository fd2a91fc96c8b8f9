import { describe, expect, it } from 'vitest';
import errorsJson from '../../data/errors.json' with { type: 'json' };
import messagesJson from '../../data/messages.json' with { type: 'json' };
import { classify } from '../classify/classify.ts';
import { errorClassFor } from '../errors/errorClassFor.ts';
import { catalog, catalogSource, filters, lookupCode, lookupMessage, reasons } from './catalog.ts';

// Codes whose outcome Binance calls unknown (-1006, -1007), and the internal errors the contract
// treats the same way (-1000, -1001). Everything else was certainly not executed.
const UNKNOWN_OUTCOME = new Set([-1000, -1001, -1006, -1007]);

describe('catalog', () => {
  it('holds every code of errors.json exactly once, with a hint and a slug', () => {
    expect(catalog).toHaveLength(errorsJson.length);
    expect(new Set(catalog.map((e) => e.code)).size).toBe(106);
    for (const entry of catalog) {
      expect(entry.hint.length, `hint of ${entry.code}`).toBeGreaterThan(20);
      expect(entry.slug).toMatch(/^\d+-[a-z0-9-]+$/);
      expect(entry.category).not.toBe('unknown');
    }
  });

  it('has a reason for every matching-engine message and a hint for every filter', () => {
    expect(reasons).toHaveLength(messagesJson.filter((m) => m.kind === 'matching-engine').length);
    expect(new Set(reasons.map((r) => r.reason)).size).toBe(reasons.length);
    for (const m of messagesJson.filter((m) => m.kind === 'filter-failure')) {
      expect(filters.map((f) => f.message)).toContain(m.message);
    }
    for (const f of filters) expect(f.hint, f.filter).not.toBe('');
  });

  it('knows every filter of filters.md, including those errors.md gives no message for', () => {
    // filters.md: 15 symbol filters, 4 exchange filters and the MAX_ASSET asset filter.
    expect(filters.map((f) => f.filter).sort()).toEqual(
      [
        'PRICE_FILTER',
        'PERCENT_PRICE',
        'PERCENT_PRICE_BY_SIDE',
        'LOT_SIZE',
        'MIN_NOTIONAL',
        'NOTIONAL',
        'ICEBERG_PARTS',
        'MARKET_LOT_SIZE',
        'MAX_NUM_ORDERS',
        'MAX_NUM_ALGO_ORDERS',
        'MAX_NUM_ICEBERG_ORDERS',
        'MAX_POSITION',
        'TRAILING_DELTA',
        'MAX_NUM_ORDER_AMENDS',
        'MAX_NUM_ORDER_LISTS',
        'EXCHANGE_MAX_NUM_ORDERS',
        'EXCHANGE_MAX_NUM_ALGO_ORDERS',
        'EXCHANGE_MAX_NUM_ICEBERG_ORDERS',
        'EXCHANGE_MAX_NUM_ORDER_LISTS',
        'MAX_ASSET',
      ].sort(),
    );
    const err = classify({ status: 400, body: { code: -1013, msg: 'Filter failure: PERCENT_PRICE_BY_SIDE' } });
    expect(err.filter).toBe('PERCENT_PRICE_BY_SIDE');
    expect(err.hint).toMatch(/bidMultiplierUp/);
  });

  it('records the docs commit it was built from and hashes of its data', () => {
    expect(catalogSource).toMatchObject({ repository: 'binance/binance-spot-api-docs', commit: 'a5e0bc3' });
    expect(catalogSource.sha256['errors.json']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('states both -1021 conditions and tells -1013 from -2010', () => {
    const hint = lookupCode(-1021)!.hint;
    expect(hint).toContain('timestamp < serverTime + 1000 ms');
    expect(hint).toContain('serverTime - timestamp <= recvWindow');
    expect(hint).toMatch(/ahead.*cannot fix/);
    expect(hint).toMatch(/5000 ms or less/);
    expect(lookupCode(-1013)!.hint).toMatch(/rejected before reaching the matching engine/);
  });

  it('finds codes by message, including messages with placeholders', () => {
    expect(lookupMessage("Timestamp for this request was 1000ms ahead of the server's time.")?.code).toBe(-1021);
    expect(lookupMessage("Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.")?.code).toBe(-1102);
    expect(lookupMessage('Too many new orders; current limit is 50 orders per 10 SECOND.')?.code).toBe(-1015);
    expect(lookupMessage('Filter failure: LOT_SIZE')?.code).toBe(-1013);
    expect(lookupMessage('no such text')).toBeUndefined();
  });
});

describe('classify over errors.json', () => {
  it.each(errorsJson.map((e) => [e.code, e] as const))('code %i yields its own class and category', (code, raw) => {
    const entry = lookupCode(code)!;
    // The documented text, or (for codes whose text is a matching-engine reason) one the catalog does not refine.
    const msg = raw.messages.find((m) => m !== raw.name) ?? 'Server text not documented.';
    const err = classify({ status: raw.http ?? (code === -2021 ? 409 : 400), body: { code, msg } });
    expect(err.code).toBe(code);
    expect(err.category).not.toBe('unknown');
    expect(err.category).toBe(entry.category);
    expect(err).toBeInstanceOf(errorClassFor(entry.category));
    expect(err.name).toBe(errorClassFor(entry.category).name);
    expect(err.executed).toBe(code === -2021 ? 'partial' : UNKNOWN_OUTCOME.has(code) ? 'unknown' : 'no');
    expect(err.docsUrl).toMatch(/\/errors\//);
    expect(err.hint).toBeTruthy();
  });

  it('treats any 5xx without a Binance code as an unknown outcome', () => {
    for (const status of [500, 502, 503, 504]) {
      const err = classify({ status, body: '', request: { method: 'POST', url: '/api/v3/order' } });
      expect(err.category).toBe('unknown-outcome');
      expect(err.executed).toBe('unknown');
      expect(err.retryable).toBe(false);
    }
    expect(classify({ status: 502, body: '', request: { method: 'GET', url: '/api/v3/depth' } }).retryable).toBe(true);
  });
});

describe('classify over messages.json', () => {
  const filterMessages = messagesJson.filter((m) => m.kind === 'filter-failure');
  const engineMessages = messagesJson.filter((m) => m.kind === 'matching-engine');

  it.each(filterMessages.map((m) => [m.message]))('"%s" yields its filter', (message) => {
    const err = classify({ status: 400, body: { code: -1013, msg: message } });
    expect(err.category).toBe('filter');
    expect(err.filter).toBe(message.replace('Filter failure: ', ''));
    expect(err.docsUrl).toMatch(/\/errors\/filters\/[a-z-]+$/);
  });

  it.each(engineMessages.flatMap((m) => m.codes.map((code) => [code, m.message] as const)))(
    '%i "%s" yields its reason',
    (code, message) => {
      const err = classify({ status: 400, body: { code, msg: message } });
      const expected = reasons.find((r) => r.message === message)!.reason;
      expect(err.reason).toBe(expected);
      expect(err.category).toBe(expected === 'UNKNOWN_ORDER' ? 'not-found' : 'order-rejected');
      expect(err.executed).toBe('no');
    },
  );
});
