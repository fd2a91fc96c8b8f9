import type { BinanceGuard } from '@binance-errors/core';
import type { FakeExchange } from '@binance-errors/testing';
import { expect, vi } from 'vitest';

/**
 * Waits for the exchange's answer to the first `/api/v3/time` of the clock's sync that a guard's first call starts
 * beside it, without waiting for it. It left before the ban, pause or storm the call met was known, so it is no
 * request sent into it; meeting one too, it ends the sync, which a call tries again only a minute later.
 */
export async function firstSyncAnswered(ex: FakeExchange): Promise<void> {
  await vi.waitFor(() => expect(ex.count({ path: '/api/v3/time' })).toBeGreaterThan(0));
}

/** Waits until the guard's clock has synced: none of its `/api/v3/time` samples is in flight any more. */
export async function clockSynced(guard: BinanceGuard): Promise<void> {
  await vi.waitFor(() => expect(guard.snapshot().clock?.synced).toBe(true));
}
