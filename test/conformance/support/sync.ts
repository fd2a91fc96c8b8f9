import type { BinanceGuard } from '@binance-errors/core';
import { expect, vi } from 'vitest';

/** Waits until the guard's clock has synced: none of its `/api/v3/time` samples is in flight any more. */
export async function clockSynced(guard: BinanceGuard): Promise<void> {
  await vi.waitFor(() => expect(guard.snapshot().clock?.synced).toBe(true));
}
