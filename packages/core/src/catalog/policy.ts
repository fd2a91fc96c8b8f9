import type { BinanceErrorCategory, Executed } from '../errors/types.ts';
import type { Retryability } from './types.ts';

// Plain data with no TypeScript-only syntax: scripts/generate-catalog.ts imports it under Node's type stripping.

/** Whether a request that failed this way may be sent again, per category. Codes may override it. */
export const RETRYABILITY: Record<BinanceErrorCategory, Retryability> = {
  network: 'idempotent',
  timeout: 'idempotent',
  aborted: 'no',
  'rate-limit': 'yes',
  'ip-ban': 'yes',
  waf: 'no',
  'restricted-location': 'no',
  'server-busy': 'yes',
  'unknown-outcome': 'idempotent',
  server: 'idempotent',
  auth: 'no',
  signature: 'no',
  timestamp: 'yes',
  request: 'no',
  filter: 'no',
  'order-rejected': 'no',
  'not-found': 'no',
  partial: 'no',
  'circuit-open': 'yes',
  throttled: 'yes',
  unknown: 'no',
};

/** Whether a request that failed this way may have executed, per category. Codes may override it. */
export const EXECUTION: Record<BinanceErrorCategory, Executed> = {
  network: 'unknown',
  timeout: 'unknown',
  aborted: 'unknown',
  'rate-limit': 'no',
  'ip-ban': 'no',
  waf: 'no',
  'restricted-location': 'no',
  'server-busy': 'no',
  'unknown-outcome': 'unknown',
  server: 'unknown',
  auth: 'no',
  signature: 'no',
  timestamp: 'no',
  request: 'no',
  filter: 'no',
  'order-rejected': 'no',
  'not-found': 'no',
  partial: 'no',
  'circuit-open': 'no',
  throttled: 'no',
  unknown: 'unknown',
};

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether an HTTP method only reads, so that re-sending it cannot place or change an order. */
export function isIdempotentMethod(method: string | undefined): boolean {
  return method !== undefined && IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/** Resolves a catalog retryability for one request. Without a known method, writes are assumed. */
export function resolveRetryable(retryability: Retryability, method: string | undefined): boolean {
  return retryability === 'yes' || (retryability === 'idempotent' && isIdempotentMethod(method));
}
