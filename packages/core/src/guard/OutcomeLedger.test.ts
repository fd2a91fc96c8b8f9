import { describe, expect, it, vi } from 'vitest';
import { BinanceUnknownOutcomeError } from '../errors/classes.ts';
import { OutcomeLedger } from './OutcomeLedger.ts';

const unknown = () => new BinanceUnknownOutcomeError({ message: 'Binance -1007 TIMEOUT' });

describe('OutcomeLedger', () => {
  it('identifies a request without its timestamp, signature and recvWindow, in any parameter order', () => {
    const key = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
    const a = OutcomeLedger.fingerprint(
      'POST',
      'https://api.binance.com',
      '/api/v3/order',
      key,
      new URLSearchParams('symbol=BTCUSDT&quantity=1&timestamp=1&recvWindow=5000&signature=aa'),
    );
    const b = OutcomeLedger.fingerprint(
      'POST',
      'https://api.binance.com',
      '/api/v3/order',
      key,
      new URLSearchParams('quantity=1&timestamp=2&symbol=BTCUSDT&signature=bb'),
    );
    expect(a).toBe(b);
    const other = (params: string, k = key) =>
      OutcomeLedger.fingerprint('POST', 'https://api.binance.com', '/api/v3/order', k, new URLSearchParams(params));
    expect(other('symbol=BTCUSDT&quantity=2')).not.toBe(a);
    expect(other('symbol=BTCUSDT&quantity=1', 'other-key')).not.toBe(a);
    expect(other('symbol=BTCUSDT&quantity=1&newClientOrderId=x')).not.toBe(a);
    expect(a).not.toContain(key);
    // Parameters that only a JSON encoding tells apart stay apart.
    expect(other('symbol=BTCUSDT&quantity=1","x')).not.toBe(other('symbol=BTCUSDT&quantity=1&x'));
  });

  it('lets go of expired entries at the next send, though nobody asks for them again', () => {
    let now = 1000;
    const ledger = new OutcomeLedger(() => now);
    for (let i = 0; i < 3; i++) ledger.open(`old-${i}`, 500 + i * 100).close(unknown(), `cid-${i}`);
    ledger.open('young', 5000).close(unknown());
    now += 650;
    // The next send sweeps the two that are over, and with them their errors.
    ledger.open('next', 500).close(undefined);
    expect(ledger.size).toBe(2);
    now += 100;
    ledger.open('next', 500).close(undefined);
    expect(ledger.size).toBe(1);
    expect(ledger.get('young')).toBeDefined();
  });

  it('remembers an unknown outcome for rememberMs, and forgets a known one at once', () => {
    let now = 1000;
    const ledger = new OutcomeLedger(() => now);
    const error = unknown();
    ledger.open('a', 500).close(error, 'cid-1');
    ledger.open('b', 500).close(undefined);
    expect(ledger.get('b')).toBeUndefined();
    expect(ledger.get('a')).toMatchObject({ pending: false, error, clientOrderId: 'cid-1' });
    now = 1499;
    expect(ledger.get('a')?.ageMs()).toBe(499);
    now = 1500;
    expect(ledger.get('a')).toBeUndefined();
  });

  it('remembers for rememberMs of elapsed time, whichever way the wall clock steps meanwhile', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const ledger = new OutcomeLedger();
      ledger.open('a', 65_000).close(unknown());
      // NTP steps the host's wall clock forward 2 min: the order may still execute, so it is still remembered.
      vi.setSystemTime(Date.now() + 120_000);
      expect(ledger.get('a')?.ageMs()).toBeLessThan(1000);
      vi.setSystemTime(Date.now() - 3_600_000);
      expect(ledger.get('a')?.ageMs()).toBeGreaterThanOrEqual(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows a send in flight as pending until it settles', async () => {
    const ledger = new OutcomeLedger(() => 0);
    const ticket = ledger.open('a', 100);
    const entry = ledger.get('a')!;
    expect(entry.pending).toBe(true);
    let settled = false;
    void entry.settled.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    ticket.close(unknown());
    await entry.settled;
    expect(ledger.get('a')?.pending).toBe(false);
  });

  it('keeps at most maxEntries, dropping settled ones first', () => {
    const ledger = new OutcomeLedger(() => 0, 3);
    const pending = ledger.open('pending', 1000);
    for (const key of ['x', 'y', 'z']) ledger.open(key, 1000).close(unknown());
    expect(ledger.get('pending')?.pending).toBe(true);
    expect(['x', 'y', 'z'].filter((k) => ledger.get(k) !== undefined).length).toBeLessThan(3);
    pending.close(undefined);
  });
});
