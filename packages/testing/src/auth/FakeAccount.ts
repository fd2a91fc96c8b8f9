import type { KeyObject } from 'node:crypto';

/**
 * An account of the fake exchange, reached through one API key. Give exactly one of `secret` (HMAC-SHA256 keys)
 * or `publicKey` (Ed25519 or RSA, PEM or KeyObject).
 *
 * @example { apiKey: 'my-key', secret: 'my-secret', balances: { USDT: '10000', BTC: '0.5' } }
 */
export interface FakeAccount {
  /** Sent by clients in the `X-MBX-APIKEY` header. */
  apiKey: string;
  /** HMAC secret. */
  secret?: string;
  /** Ed25519 or RSA public key (PEM string or KeyObject); signatures are verified against it. */
  publicKey?: string | KeyObject;
  /** Free balances per asset, as decimal strings with up to 8 decimals. @default {} */
  balances?: Record<string, string>;
}
