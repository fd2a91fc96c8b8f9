import { describe, expect, it } from 'vitest';
import usdmErrors from '../../data/usdm/errors.json' with { type: 'json' };
import { spotCatalog } from './catalog.ts';
import { usdmCatalog } from './usdm.generated.ts';

const upstream = usdmErrors.errors;

describe('usdmCatalog', () => {
  it('types every code of the futures errors.json exactly once, none as unknown', () => {
    expect(usdmCatalog.codes).toHaveLength(upstream.length);
    expect(new Set(usdmCatalog.codes.map((e) => e.code)).size).toBe(201);
    for (const raw of upstream) {
      const entry = usdmCatalog.lookupCode(raw.code);
      expect(entry, `code ${raw.code}`).toBeDefined();
      expect(entry!.name).toBe(raw.name);
      expect(entry!.category).not.toBe('unknown');
      expect(['yes', 'no', 'idempotent']).toContain(entry!.retryable);
      expect(['no', 'unknown', 'partial']).toContain(entry!.executed);
      expect(entry!.hint.length, `hint of ${raw.code}`).toBeGreaterThan(20);
      expect(entry!.slug).toMatch(/^\d+-[a-z0-9-]+$/);
      // Our words: a hint says what to do, so it never opens with the server's own text.
      const fold = (text: string) => text.toLowerCase().replace(/\.$/, '');
      for (const m of raw.messages) expect(fold(entry!.hint).startsWith(fold(m)), `hint of ${raw.code}`).toBe(false);
    }
  });

  it('follows the futures docs where a code means something else than on Spot', () => {
    expect(usdmCatalog.lookupCode(-1008)).toMatchObject({ category: 'server-busy', executed: 'no', retryable: 'yes' });
    expect(usdmCatalog.lookupCode(-2021)).toMatchObject({ name: 'ORDER_WOULD_IMMEDIATELY_TRIGGER', executed: 'no' });
    expect(usdmCatalog.lookupCode(-2021)?.category).not.toBe(spotCatalog.lookupCode(-2021)?.category);
    expect(usdmCatalog.lookupCode(-2022)).toMatchObject({ name: 'REDUCE_ONLY_REJECT', category: 'order-rejected' });
    expect(usdmCatalog.lookupCode(-2019)).toMatchObject({
      category: 'order-rejected',
      executed: 'no',
      retryable: 'no',
    });
    expect(usdmCatalog.lookupCode(-1006)?.executed).toBe('unknown');
    expect(usdmCatalog.lookupCode(-1007)?.executed).toBe('unknown');
    expect(usdmCatalog.lookupCode(-5028)?.category).toBe('timestamp');
    expect(usdmCatalog.lookupCode(-4164)).toMatchObject({ category: 'filter', filter: 'MIN_NOTIONAL' });
    expect(usdmCatalog.lookupCode(-1121)).toBeDefined();
    expect(usdmCatalog.lookupCode(-1134)).toBeUndefined(); // a Spot-only code
  });

  it('names the filter of every futures code it files under filter', () => {
    for (const entry of usdmCatalog.codes.filter((e) => e.category === 'filter')) {
      expect(entry.filter, `filter of ${entry.code}`).toMatch(/^[A-Z_]+$/);
    }
  });

  it('finds futures codes by message, including templates with %s and %b', () => {
    expect(usdmCatalog.lookupMessage('Margin is insufficient.')?.code).toBe(-2019);
    expect(
      usdmCatalog.lookupMessage("Order's notional must be no smaller than 20 (unless you choose reduce only)")?.code,
    ).toBe(-4164);
    expect(usdmCatalog.lookupMessage("Target strategy invalid for orderType 'MARKET',reduceOnly 'true'.")?.code).toBe(
      -4020,
    );
    expect(usdmCatalog.lookupMessage('This listenKey does not exist.')?.code).toBe(-1125);
    expect(usdmCatalog.lookupMessage('Filter failure: LOT_SIZE')).toBeUndefined();
  });

  it('keeps the meaning of the three 503 messages apart', () => {
    const unknown = usdmCatalog.lookupStatusMessage(
      503,
      'Unknown error, please check your request or try again later.',
    );
    expect(unknown).toMatchObject({ category: 'unknown-outcome', executed: 'unknown', retryable: 'idempotent' });
    expect(usdmCatalog.lookupStatusMessage(503, 'Service Unavailable.')).toMatchObject({
      executed: 'no',
      retryable: 'yes',
    });
    expect(
      usdmCatalog.lookupStatusMessage(503, 'Internal error; unable to process your request. Please try again.'),
    ).toMatchObject({ executed: 'no' });
    expect(usdmCatalog.lookupStatusMessage(500, 'Service Unavailable.')).toBeUndefined();
    expect(usdmCatalog.lookupStatusMessage(undefined, 'Service Unavailable.')).toBeUndefined();
    expect(spotCatalog.lookupStatusMessage(503, 'Service Unavailable.')).toBeUndefined();
  });
});
